import {
  type CacheScope,
  createSemanticCache,
  type LabelledPair,
  normalizePrompt,
  type ThresholdChoice,
  tuneThreshold,
} from '@parley/llm';
import type { Redis } from 'ioredis';
import type { TraceMessage } from '../trace/trace';
import { canonicalAnswer, intentOfAnswer } from './answers';

/**
 * Chooses the semantic cache's threshold the way an operator should: on labelled traffic that is
 * not the traffic it will be judged on. The real semantic cache runs in shadow mode over a
 * held-out trace (another seed): every context-free prompt not already seen verbatim (the exact
 * cache answers those) is looked up with a threshold low enough to always return the best stored
 * candidate, which is labelled right or wrong by the trace's ground truth (same intent or not),
 * and then stored. Candidates pass the cache's guard (same numbers and content words) first, so
 * the pairs are the hits it could serve. `tuneThreshold` picks the lowest threshold with no
 * wrong hit among those pairs.
 */

/** Low enough that a lookup returns its best candidate: the pair to label. */
export const SHADOW_THRESHOLD = 0.5;
const CHUNK = 64;

export interface CalibrationOptions {
  redis: Redis;
  keyPrefix: string;
  scope: CacheScope;
  embed: (text: string) => Promise<number[]>;
  /** The run's SEMANTIC_CACHE_MAX_ENTRIES, so candidates come from a cache of the same size. */
  maxEntries: number;
  /** Wrong hits / hits allowed on the labelled pairs. */
  maxWrongHitRate: number;
  signal?: AbortSignal;
  /** Called with the number of trace messages read so far. */
  onProgress?: (done: number) => void;
}

export interface ThresholdPoint {
  threshold: number;
  hits: number;
  wrongHits: number;
}

export interface Calibration {
  pairs: number;
  /** Pairs whose best candidate had the same intent. */
  rightPairs: number;
  choice: ThresholdChoice;
  /** Hits and wrong hits among the pairs at a given threshold. */
  at(threshold: number): ThresholdPoint;
  /** The wrong pair with the highest similarity (what the threshold must stay above). */
  worstWrong?: { similarity: number; prompt: string; matchedPrompt: string };
}

export async function calibrateThreshold(
  trace: Iterable<TraceMessage>,
  o: CalibrationOptions,
): Promise<Calibration> {
  const shadow = createSemanticCache(o.redis, {
    keyPrefix: o.keyPrefix,
    embed: o.embed,
    threshold: SHADOW_THRESHOLD,
    nearMissMargin: 0,
    maxEntriesPerScope: o.maxEntries,
  });
  const seen = new Set<string>();
  const pairs: LabelledPair[] = [];
  let worstWrong: Calibration['worstWrong'];
  let chunk: TraceMessage[] = [];
  let read = 0;

  const flush = async (): Promise<void> => {
    const batch = chunk;
    chunk = [];
    // Concurrent lookups, so their embeddings go out together as the worker's would.
    const found = await Promise.all(batch.map((m) => shadow.lookup(o.scope, m.prompt)));
    found.forEach((result, i) => {
      const m = batch[i];
      if (!m || result.kind !== 'hit') return;
      const sameAnswer = intentOfAnswer(result.answer) === m.intent;
      pairs.push({ similarity: result.similarity, sameAnswer });
      if (!sameAnswer && !(result.similarity <= (worstWrong?.similarity ?? -1))) {
        worstWrong = { similarity: result.similarity, prompt: m.prompt, matchedPrompt: result.matchedPrompt };
      }
    });
    await Promise.all(batch.map((m) => shadow.store(o.scope, m.prompt, canonicalAnswer(m.intent))));
    o.onProgress?.(read);
  };

  for (const m of trace) {
    if (o.signal?.aborted) break;
    read++;
    if (!m.contextFree) continue;
    const key = normalizePrompt(m.prompt);
    if (seen.has(key)) continue;
    seen.add(key);
    chunk.push(m);
    if (chunk.length >= CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();

  const at = (threshold: number): ThresholdPoint => {
    let hits = 0;
    let wrongHits = 0;
    for (const p of pairs) {
      if (p.similarity < threshold) continue;
      hits++;
      if (!p.sameAnswer) wrongHits++;
    }
    return { threshold, hits, wrongHits };
  };
  return {
    pairs: pairs.length,
    rightPairs: pairs.filter((p) => p.sameAnswer).length,
    choice: tuneThreshold(pairs, o.maxWrongHitRate),
    at,
    ...(worstWrong ? { worstWrong } : {}),
  };
}
