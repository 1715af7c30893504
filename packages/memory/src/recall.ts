import type { MemoryKeys } from './keys';
import type { EmbedFn, MemorySettings, RedisClient } from './options';
import { embeddingsSchema, memoryEntrySchema, parseJson, pendingEntrySchema, type Turn } from './schemas';
import { dot, toUnitVector, vectorFromBuffer } from './vectors';

export interface RecalledMemory {
  /** Zero-padded sequence number of its first turn: sorting ids sorts chronologically. */
  id: string;
  turns: Turn[];
  similarity: number;
}

/** What a conversation remembers beyond its history window, for one new message. */
export interface MemoryContext {
  /** The running summary of every folded turn, if any. */
  summary: string | undefined;
  /** Turns that left the window and are not folded yet, oldest first: they go in verbatim. */
  pending: Turn[];
  /** The memories most similar to the message (at most `topK`, at least `minSimilarity`), best first. */
  memories: RecalledMemory[];
  /** Memories compared with the message. */
  candidates: number;
  /** The best similarity seen, recalled or not (0 when none was compared). */
  bestSimilarity: number;
}

export interface RecallDeps {
  redis: RedisClient;
  keys: MemoryKeys;
  settings: MemorySettings;
  embed: EmbedFn;
}

/**
 * Reads the conversation's summary, pending turns and memory vectors in one MULTI, embeds the
 * new message (only when there are memories to compare it with: short conversations cost no
 * embedding call) and fetches the best matches. Brute force over the conversation's vectors:
 * they are at most `maxMemories` (200 × 1536 dims × 4 bytes = 1.2 MB read per message at most;
 * ask the embedding API for fewer dimensions to cut that, see the README).
 */
export async function recall(deps: RecallDeps, text: string): Promise<MemoryContext> {
  const { redis, keys, settings } = deps;
  // Retention is days long: the pod's clock is good enough to cut at it.
  const cutoff = Date.now() - settings.retentionSeconds * 1000;
  const read = await redis
    .multi()
    .hget(keys.state, 'summary')
    .lrange(keys.pending, 0, -1)
    .zrangebyscore(keys.order, cutoff, '+inf')
    .hgetallBuffer(keys.vectors)
    .exec();
  if (!read || read.some(([err]) => err)) throw new Error('could not read the conversation memory');
  const [summary, rawPending, live, stored] = read.map(([, value]) => value) as [
    string | null,
    string[],
    string[],
    Record<string, Buffer>,
  ];
  const context: MemoryContext = {
    summary: summary?.trim() ? summary : undefined,
    pending: rawPending
      .map((raw) => parseJson(pendingEntrySchema, raw)?.turn)
      .filter((t): t is Turn => t !== undefined),
    memories: [],
    candidates: 0,
    bestSimilarity: 0,
  };
  if (settings.topK === 0 || live.length === 0 || text.trim() === '') return context;

  const [queryRaw] = embeddingsSchema.parse(await deps.embed([text]));
  const query = toUnitVector(queryRaw ?? []);
  if (!query) return context;
  const scored: { id: string; similarity: number }[] = [];
  for (const id of live) {
    const bytes = stored[id];
    // Vectors of another length come from another embedding model: not comparable.
    if (!bytes || bytes.length !== query.length * 4) continue;
    const similarity = dot(query, vectorFromBuffer(bytes));
    context.candidates++;
    if (similarity > context.bestSimilarity) context.bestSimilarity = similarity;
    if (similarity >= settings.minSimilarity) scored.push({ id, similarity });
  }
  const best = scored.sort((a, b) => b.similarity - a.similarity).slice(0, settings.topK);
  if (best.length === 0) return context;
  const entries = await redis.hmget(keys.entries, ...best.map((b) => b.id));
  best.forEach(({ id, similarity }, i) => {
    const entry = parseJson(memoryEntrySchema, entries[i]);
    if (entry) context.memories.push({ id, turns: entry.turns, similarity });
  });
  return context;
}
