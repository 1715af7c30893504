import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { type CountTokens, estimateTokens } from './tokens';

/** A single Redis or a Redis Cluster: every script touches the keys of one conversation's slot. */
export type RedisClient = Redis | Cluster;

/** A chat message as the summariser receives it (the openai SDK's shape for text messages). */
export interface MemoryMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Texts → one vector per text, in order (an OpenAI-compatible `/v1/embeddings` with `input: [...]`). */
export type EmbedFn = (texts: string[]) => Promise<number[][]>;

/** The summarisation prompt → the new summary (one chat completion). */
export type SummariseFn = (messages: MemoryMessage[]) => Promise<string>;

export type MemoryEvent =
  | {
      kind: 'fold';
      outcome: 'folded' | 'idle' | 'busy' | 'conflict' | 'failed';
      turns: number;
      memories: number;
      evicted: number;
      seconds: number;
    }
  | { kind: 'recall'; candidates: number; recalled: number; bestSimilarity: number; seconds: number };

export interface MemoryOptions {
  /** The worker's command connection; every pod must use the same Redis and `keyPrefix`. */
  redis: RedisClient;
  /** Prefix of every key: the keyspace's prefix (`REDIS_KEY_PREFIX`). */
  keyPrefix: string;
  embed: EmbedFn;
  summarise: SummariseFn;
  /** Turns waiting outside the window that make `maintain` fold them (default 8). */
  foldEvery?: number;
  /** Most turns folded by one summarisation call (default 2 × `foldEvery`). */
  maxFoldTurns?: number;
  /**
   * Most turns waiting to be folded (default 64); beyond, the oldest are dropped unsummarised.
   * Only reached when folding fails for a long time (the LLM or the embeddings are down).
   */
  maxPendingTurns?: number;
  /** Memories kept per conversation, i.e. per user in private chats; the oldest go first (default 200). */
  maxMemories?: number;
  /**
   * Every memory key of a conversation expires this long after its last write, and a memory
   * older than this is dropped (default 2592000 = 30 days).
   */
  retentionSeconds?: number;
  /** Most memories recalled into one prompt (default 3; 0 turns recall off). */
  topK?: number;
  /**
   * Cosine similarity a memory needs to be recalled (default 0.35). Depends on the embedding
   * model: measure it on your model (see the README's measurement).
   */
  minSimilarity?: number;
  /** Longest summary kept, in estimated tokens; the summariser is asked for less (default 400). */
  maxSummaryTokens?: number;
  /** Longest text of one turn kept in a memory (and embedded), in characters (default 800). */
  maxTurnChars?: number;
  /** How long a fold may hold the conversation's lock (default 120000; longer than 2 LLM calls). */
  lockMs?: number;
  /** Token counter of the summary limit (default `estimateTokens`). */
  countTokens?: CountTokens;
  /** Called once per `maintain` and per `recall`, for metrics. */
  observe?: (event: MemoryEvent) => void;
}

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const settingsSchema = z
  .object({
    keyPrefix: z.string().regex(/^[^{}\s]{1,64}$/, '1-64 characters without braces or spaces'),
    foldEvery: int(1, 1000).default(8),
    maxFoldTurns: int(1, 1000).optional(),
    maxPendingTurns: int(1, 10_000).default(64),
    // Recall reads every vector of the conversation; 5000 also stays under Lua's unpack limit.
    maxMemories: int(1, 5000).default(200),
    retentionSeconds: int(60, 10 * 365 * 86_400).default(30 * 86_400),
    topK: int(0, 50).default(3),
    minSimilarity: z.number().min(-1).max(1).default(0.35),
    maxSummaryTokens: int(16, 100_000).default(400),
    maxTurnChars: int(16, 1_000_000).default(800),
    lockMs: int(1000, 3_600_000).default(120_000),
  })
  .transform((s) => ({ ...s, maxFoldTurns: s.maxFoldTurns ?? 2 * s.foldEvery }))
  .refine((s) => s.maxFoldTurns >= s.foldEvery, {
    message: 'must be at least foldEvery',
    path: ['maxFoldTurns'],
  })
  .refine((s) => s.maxPendingTurns >= s.maxFoldTurns, {
    message: 'must be at least maxFoldTurns',
    path: ['maxPendingTurns'],
  });

export type MemorySettings = z.infer<typeof settingsSchema> & {
  countTokens: CountTokens;
};

/** The options with their defaults; bad values throw one RangeError naming every bad field. */
export function resolveSettings(opts: MemoryOptions): MemorySettings {
  const { redis, embed, summarise, countTokens, observe, ...numbers } = opts;
  const parsed = settingsSchema.safeParse(numbers);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `memory option ${i.path.join('.')}: ${i.message}`);
    throw new RangeError(lines.join('\n'));
  }
  return { ...parsed.data, countTokens: countTokens ?? estimateTokens };
}
