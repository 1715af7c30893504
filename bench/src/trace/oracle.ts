import type { TraceMessage } from './trace';

/**
 * The best any correct cache could do on a trace, from its ground truth. A hit is possible only
 * for a context-free message whose intent was already answered for an earlier context-free
 * message (the first time an intent is asked, someone has to ask the LLM). The exact-only oracle
 * also needs the same wording: the best a cache could do that only recognises a repeated text
 * (up to casing, spacing and punctuation).
 */

export interface OracleResult {
  messages: number;
  /** Context-free messages (first turns: the only ones a correct cache may answer). */
  contextFree: number;
  /** Context-free messages whose intent was asked before. */
  hits: number;
  /** Context-free messages whose intent and wording were asked before. */
  exactHits: number;
  /** Possible hits in a new wording that only adds or drops fillers to a phrasing asked before. */
  fillerHits: number;
  /** Possible hits in a phrasing of the question not asked before. */
  rephrasedHits: number;
  distinctIntents: number;
  distinctWordings: number;
  distinctUsers: number;
  /** hits / messages. */
  hitRatio: number;
  /** exactHits / messages. */
  exactHitRatio: number;
  /** hits / contextFree. */
  contextFreeHitRatio: number;
}

/** What a message is to the oracle: not answerable by a cache, the first of its intent, or a repeat. */
export type OracleVerdict = 'not-cacheable' | 'first' | 'exact' | 'filler' | 'rephrased';

/** Incremental form, so the replay can ask "was this a possible hit?" message by message. */
export class Oracle {
  private readonly intents = new Set<number>();
  private readonly wordings = new Set<number>();
  private readonly phrasings = new Set<number>();
  private readonly users = new Set<number>();
  private messages = 0;
  private contextFree = 0;
  private hits = 0;
  private exactHits = 0;
  private fillerHits = 0;
  private rephrasedHits = 0;

  /** Records a message; says whether a correct cache could have answered it, and from what. */
  add(message: TraceMessage): OracleVerdict {
    this.messages++;
    this.users.add(message.userId);
    if (!message.contextFree) return 'not-cacheable';
    this.contextFree++;
    // Wordings and phrasings per intent are below 8, so intent * 8 + index is a unique number.
    const wordingKey = message.intent * 8 + message.wording;
    const phrasingKey = message.intent * 8 + message.phrasing;
    const possible = this.intents.has(message.intent);
    const exact = this.wordings.has(wordingKey);
    const phrasing = this.phrasings.has(phrasingKey);
    this.intents.add(message.intent);
    this.wordings.add(wordingKey);
    this.phrasings.add(phrasingKey);
    if (!possible) return 'first';
    this.hits++;
    if (exact) {
      this.exactHits++;
      return 'exact';
    }
    if (phrasing) {
      this.fillerHits++;
      return 'filler';
    }
    this.rephrasedHits++;
    return 'rephrased';
  }

  result(): OracleResult {
    const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
    return {
      messages: this.messages,
      contextFree: this.contextFree,
      hits: this.hits,
      exactHits: this.exactHits,
      fillerHits: this.fillerHits,
      rephrasedHits: this.rephrasedHits,
      distinctIntents: this.intents.size,
      distinctWordings: this.wordings.size,
      distinctUsers: this.users.size,
      hitRatio: ratio(this.hits, this.messages),
      exactHitRatio: ratio(this.exactHits, this.messages),
      contextFreeHitRatio: ratio(this.hits, this.contextFree),
    };
  }
}

export function oracleHitRatio(trace: Iterable<TraceMessage>): OracleResult {
  const oracle = new Oracle();
  for (const message of trace) oracle.add(message);
  return oracle.result();
}
