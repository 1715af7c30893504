import { MAX_VOCABULARY, subjectAt, type Wording, wordingsOf } from './vocabulary';
import { createRandom, createZipf, type Random } from './zipf';

/**
 * A synthetic chat trace for the cache benchmark. Simulated users (up to 1,000,000 ids) hold
 * multi-turn conversations, many at once and interleaved. A conversation opens with a question
 * drawn from the vocabulary by a Zipf law (intent popularity), in one of the intent's wordings
 * (paraphrases), with surface noise (casing, spacing, a trailing "?" or "!"); its later turns
 * are follow-ups ("and what about the second one?") whose answer depends on the conversation.
 *
 * Every message carries its ground truth: the intent it asks and whether it is context-free.
 * A conversation's first turn is context-free: the chat has no history (the user's first message,
 * or the first after `/reset` or after the history expired), exactly the turns the worker caches.
 */

export interface TraceOptions {
  /** User ids to draw from (at most 1,000,000). */
  users: number;
  /** Messages in the trace. */
  messages: number;
  /** Intents in the vocabulary (at most MAX_VOCABULARY). */
  vocabulary: number;
  /** Zipf exponent of intent popularity (≈1.1 for chat prompts). */
  s: number;
  /** After each turn, the chance that the user writes another one in the same conversation. */
  followUpProbability: number;
  /** Conversations in progress at once; their turns interleave. */
  activeConversations: number;
  seed: number;
}

export const DEFAULT_TRACE: TraceOptions = {
  users: 10_000,
  messages: 50_000,
  vocabulary: 100_000,
  s: 1.1,
  followUpProbability: 0.55,
  activeConversations: 1_000,
  seed: 1,
};

export interface TraceMessage {
  userId: number;
  /** 1 for the first message of a conversation. */
  turn: number;
  /** Ground truth: the answer does not depend on earlier messages (true exactly for first turns). */
  contextFree: boolean;
  /** The intent asked (its popularity rank, 1 = most popular); for a follow-up, the conversation's opening intent. */
  intent: number;
  /** Which wording of the intent (0 = canonical); -1 for a follow-up. */
  wording: number;
  /** Which phrasing that wording uses (0 = canonical; the others rephrase); -1 for a follow-up. */
  phrasing: number;
  /** The text as the user typed it. */
  prompt: string;
}

const FOLLOW_UPS = [
  'can you elaborate?',
  'give me an example',
  'why?',
  'shorter please',
  'and what about the second one?',
  'can you say that more simply?',
  'thanks! what else should i know?',
  'is that still true today?',
  'and what about {x}?',
  'how does that compare with {x}?',
];

/** Surface variation: casing, doubled spaces, a trailing "?" or "!". */
function decorate(text: string, random: Random): string {
  let out = text;
  const r = random();
  if (r < 0.3) out = out.charAt(0).toUpperCase() + out.slice(1);
  else if (r < 0.35) out = out.toUpperCase();
  const p = random();
  if (p < 0.5) out += '?';
  else if (p < 0.6) out += '!';
  if (random() < 0.1) out = `  ${out.replace(/ /g, '  ')} `;
  return out;
}

/** Cumulative P(w) ∝ 1 / (w + 1) over the W wordings of an intent: the canonical one is the most common. */
const WORDING_CDF = new Map<number, number[]>();
function wordingCdf(count: number): number[] {
  let cdf = WORDING_CDF.get(count);
  if (!cdf) {
    const weights = Array.from({ length: count }, (_, w) => 1 / (w + 1));
    const total = weights.reduce((a, b) => a + b, 0);
    let sum = 0;
    cdf = weights.map((x) => {
      sum += x / total;
      return sum;
    });
    WORDING_CDF.set(count, cdf);
  }
  return cdf;
}

function sampleWording(count: number, random: Random): number {
  const u = random();
  const cdf = wordingCdf(count);
  for (let w = 0; w < count; w++) if (u < (cdf[w] ?? 1)) return w;
  return count - 1;
}

export function checkTraceOptions(o: TraceOptions): void {
  if (!Number.isInteger(o.users) || o.users < 1 || o.users > 1_000_000)
    throw new Error(`users must be between 1 and 1,000,000, got ${o.users}`);
  if (!Number.isInteger(o.vocabulary) || o.vocabulary < 1 || o.vocabulary > MAX_VOCABULARY)
    throw new Error(`vocabulary must be between 1 and ${MAX_VOCABULARY}, got ${o.vocabulary}`);
  if (!(o.followUpProbability >= 0 && o.followUpProbability < 1))
    throw new Error(`followUpProbability must be in [0, 1), got ${o.followUpProbability}`);
  if (!Number.isInteger(o.activeConversations) || o.activeConversations < 1)
    throw new Error(`activeConversations must be a positive integer, got ${o.activeConversations}`);
}

/**
 * Yields the trace lazily. A million users need no per-user objects: one byte per user id
 * (in a conversation or not) and a few typed arrays per conversation slot.
 */
export function* generateTrace(options: Partial<TraceOptions> = {}): Generator<TraceMessage> {
  const o: TraceOptions = { ...DEFAULT_TRACE, ...options };
  checkTraceOptions(o);
  const random = createRandom(o.seed);
  const zipf = createZipf(o.vocabulary, o.s, random);
  // At most half the users talk at once, so a free user id is always found quickly.
  const slots = Math.max(1, Math.min(o.activeConversations, Math.floor(o.users / 2)));
  const slotUser = new Int32Array(slots).fill(-1);
  const slotTurn = new Uint16Array(slots);
  const slotIntent = new Int32Array(slots);
  const talking = new Uint8Array(o.users);
  const wordings = new Map<number, Wording[]>();
  const wordingsFor = (intent: number): Wording[] => {
    let list = wordings.get(intent);
    if (!list) {
      if (wordings.size >= 200_000) wordings.clear();
      list = wordingsOf(intent, o.vocabulary);
      wordings.set(intent, list);
    }
    return list;
  };
  for (let m = 0; m < o.messages; m++) {
    const slot = Math.floor(random() * slots);
    let userId = slotUser[slot] ?? -1;
    let message: TraceMessage;
    if (userId < 0) {
      do userId = Math.floor(random() * o.users);
      while (talking[userId] === 1);
      talking[userId] = 1;
      const intent = zipf.sample();
      const list = wordingsFor(intent);
      const wording = sampleWording(list.length, random);
      const chosen = list[wording] ?? { text: '', phrasing: 0 };
      slotUser[slot] = userId;
      slotTurn[slot] = 1;
      slotIntent[slot] = intent;
      message = {
        userId,
        turn: 1,
        contextFree: true,
        intent,
        wording,
        phrasing: chosen.phrasing,
        prompt: decorate(chosen.text, random),
      };
    } else {
      const turn = Math.min(65_535, (slotTurn[slot] ?? 1) + 1);
      slotTurn[slot] = turn;
      const template = FOLLOW_UPS[Math.floor(random() * FOLLOW_UPS.length)] ?? 'why?';
      const prompt = template.replace('{x}', subjectAt(Math.floor(random() * 1_000)));
      message = {
        userId,
        turn,
        contextFree: false,
        intent: slotIntent[slot] ?? 0,
        wording: -1,
        phrasing: -1,
        prompt,
      };
    }
    if (random() >= o.followUpProbability) {
      talking[userId] = 0;
      slotUser[slot] = -1;
    }
    yield message;
  }
}
