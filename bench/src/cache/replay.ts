import { Oracle, type OracleResult, type OracleVerdict } from '../trace/oracle';
import type { TraceMessage } from '../trace/trace';
import { callTokens, canonicalAnswer, intentOfAnswer } from './answers';
import type { WorkerCache } from './worker-cache';

/**
 * Runs a trace through the worker's cache path in trace order, as the worker's lanes would:
 * up to `concurrency` messages at once (WORKER_CONCURRENCY), one user's messages strictly one
 * after the other. A miss "calls the LLM": the intent's canonical answer, counted in calls and
 * tokens. Every answer served from a cache is checked against the message's ground truth.
 */

export interface ReplayOptions {
  concurrency: number;
  signal?: AbortSignal;
  /** Called every `progressEvery` messages with the number done. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

export interface CrossContextExample {
  prompt: string;
  intent: number;
  servedIntent: number | undefined;
  contextFree: boolean;
  kind: 'cache' | 'semantic-cache';
  similarity?: number;
  matchedPrompt?: string;
}

export interface ReplayStats {
  oracle: OracleResult;
  messages: number;
  /** Messages the worker looked up in the caches (no history). */
  cacheable: number;
  exactHits: number;
  semanticHits: number;
  /** Hits by what the oracle saw in the message: a verbatim repeat, fillers added or dropped, a rephrasing. */
  hitsByVerdict: Record<'exact' | 'filler' | 'rephrased', { exact: number; semantic: number }>;
  /** Misses answered by another caller's LLM call in flight (single-flight), not by a cache. */
  sharedInFlight: number;
  llmCalls: number;
  /** Tokens of the calls made, and of the calls avoided (cache hits and shared calls). */
  tokensSpent: number;
  tokensSaved: number;
  /** Hits whose message depends on its conversation or whose answer was written for another intent. */
  crossContextHits: number;
  crossContextExamples: CrossContextExample[];
  /** Cross-context hits served by the semantic cache, and the highest similarity among them. */
  semanticCrossContextHits: number;
  maxCrossContextSimilarity: number;
  semanticLookups: number;
  /** Semantic lookups whose best similarity fell just under the threshold. */
  nearMisses: number;
  /** Near misses on a message whose intent had been answered before (a hit a correct cache could give). */
  nearMissesPossible: number;
  semanticErrors: number;
  /** Context-free messages answered by the LLM: each stores its answer in both caches. */
  storedAnswers: number;
  /** Lowest similarity among the semantic hits (NaN without any). */
  minHitSimilarity: number;
  /** Cache lookup time per cacheable message, ms (a bounded sample). */
  lookupMs: number[];
  durationMs: number;
}

const LOOKUP_SAMPLE = 20_000;

export async function replayTrace(
  trace: Iterable<TraceMessage>,
  cache: WorkerCache,
  o: ReplayOptions,
): Promise<ReplayStats> {
  const started = Date.now();
  const oracle = new Oracle();
  const systemPrompt = cache.config.systemPrompt;
  const stats: Omit<ReplayStats, 'oracle' | 'durationMs'> = {
    messages: 0,
    cacheable: 0,
    exactHits: 0,
    semanticHits: 0,
    hitsByVerdict: {
      exact: { exact: 0, semantic: 0 },
      filler: { exact: 0, semantic: 0 },
      rephrased: { exact: 0, semantic: 0 },
    },
    sharedInFlight: 0,
    llmCalls: 0,
    tokensSpent: 0,
    tokensSaved: 0,
    crossContextHits: 0,
    crossContextExamples: [],
    semanticCrossContextHits: 0,
    maxCrossContextSimilarity: Number.NaN,
    semanticLookups: 0,
    nearMisses: 0,
    nearMissesPossible: 0,
    semanticErrors: 0,
    storedAnswers: 0,
    minHitSimilarity: Number.NaN,
    lookupMs: [],
  };
  let lookupSeen = 0;

  async function handle(m: TraceMessage, verdict: OracleVerdict): Promise<void> {
    const possible = verdict === 'exact' || verdict === 'filler' || verdict === 'rephrased';
    const answer = canonicalAnswer(m.intent);
    const tokens = callTokens(systemPrompt, m.prompt, answer);
    const callCost = tokens.prompt + tokens.completion;
    // The lanes load the chat's history first; a conversation's first turn finds none.
    const historyLength = m.turn === 1 ? 0 : 2 * (m.turn - 1);
    const outcome = await cache.answer(m.prompt, historyLength, async () => {
      stats.llmCalls++;
      stats.tokensSpent += callCost;
      return { text: answer, finishReason: 'stop', backend: 'primary' };
    });
    stats.messages++;
    if (historyLength === 0) {
      stats.cacheable++;
      // Reservoir sample: every lookup has the same chance to be kept.
      lookupSeen++;
      if (stats.lookupMs.length < LOOKUP_SAMPLE) stats.lookupMs.push(outcome.lookupMs);
      else {
        const j = Math.floor(Math.random() * lookupSeen);
        if (j < LOOKUP_SAMPLE) stats.lookupMs[j] = outcome.lookupMs;
      }
    }
    const { decision, semantic } = outcome;
    if (semantic) {
      stats.semanticLookups++;
      if (semantic.kind === 'near_miss') {
        stats.nearMisses++;
        if (possible) stats.nearMissesPossible++;
      } else if (semantic.kind === 'error') stats.semanticErrors++;
    }
    if (decision.kind === 'llm') {
      if (historyLength === 0) stats.storedAnswers++;
      if (decision.shared) {
        stats.sharedInFlight++;
        stats.tokensSaved += callCost;
      }
      return;
    }
    stats.tokensSaved += callCost;
    if (possible) stats.hitsByVerdict[verdict][decision.kind === 'cache' ? 'exact' : 'semantic']++;
    if (decision.kind === 'cache') stats.exactHits++;
    else {
      stats.semanticHits++;
      if (!(decision.similarity >= stats.minHitSimilarity)) stats.minHitSimilarity = decision.similarity;
    }
    const servedIntent = intentOfAnswer(decision.answer);
    if (!m.contextFree || servedIntent !== m.intent) {
      stats.crossContextHits++;
      if (decision.kind === 'semantic-cache') {
        stats.semanticCrossContextHits++;
        if (!(decision.similarity <= stats.maxCrossContextSimilarity))
          stats.maxCrossContextSimilarity = decision.similarity;
      }
      if (stats.crossContextExamples.length < 5) {
        stats.crossContextExamples.push({
          prompt: m.prompt,
          intent: m.intent,
          servedIntent,
          contextFree: m.contextFree,
          kind: decision.kind,
          ...(decision.kind === 'semantic-cache'
            ? { similarity: decision.similarity, matchedPrompt: decision.matchedPrompt }
            : {}),
        });
      }
    }
  }

  const inFlight = new Set<Promise<void>>();
  const lastOfUser = new Map<number, Promise<void>>();
  let failure: unknown;
  let started_ = 0;
  const every = o.progressEvery ?? 1_000;
  for (const m of trace) {
    if (o.signal?.aborted || failure !== undefined) break;
    while (inFlight.size >= o.concurrency) await Promise.race(inFlight);
    const verdict = oracle.add(m);
    const previous = lastOfUser.get(m.userId);
    const run = (previous ?? Promise.resolve()).then(() => handle(m, verdict));
    const tracked = run
      .catch((err) => {
        failure ??= err;
      })
      .finally(() => {
        inFlight.delete(tracked);
        if (lastOfUser.get(m.userId) === tracked) lastOfUser.delete(m.userId);
      });
    inFlight.add(tracked);
    lastOfUser.set(m.userId, tracked);
    started_++;
    if (o.onProgress && started_ % every === 0) o.onProgress(started_);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return { ...stats, oracle: oracle.result(), durationMs: Date.now() - started };
}
