import { z } from 'zod';
import { envBoolean, envEnum, envInt, envNumber, envOptionalString, envString, envUrl } from './env';
import { parseEnv } from './errors';
import { clusterSettings, type RedisClusterSettings, redisTopologyEnvSchema } from './redis-topology';
import { botTokenSchema, portSchema, sharedEnvSchema } from './shared';
import { type GuardSettings, guardEnvSchema, guardProblems, guardSettings } from './worker-guard';
import { type MediaSettings, mediaEnvSchema, mediaSettings } from './worker-media';

export const DEFAULT_SYSTEM_PROMPT =
  'You are Parley, a helpful assistant chatting on Telegram. Answer clearly and concisely, in the language of the user.';

const workerEnvSchema = z
  .object({
    ...sharedEnvSchema,
    ...redisTopologyEnvSchema,
    SHUTDOWN_GRACE_MS: sharedEnvSchema.SHUTDOWN_GRACE_MS.default(30_000),
    TELEGRAM_BOT_TOKEN: botTokenSchema,
    OPENAI_BASE_URL: envUrl(
      'must be the http(s) base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1',
      ['http:', 'https:'],
    ).default('https://api.openai.com/v1'),
    OPENAI_API_KEY: envOptionalString(),
    LLM_MODEL: envString('must name the model').default('gpt-4o-mini'),
    LLM_TEMPERATURE: envNumber('must be a number between 0 and 2', { min: 0, max: 2 }).default(0.7),
    LLM_MAX_TOKENS: envInt('must be an integer between 1 and 128000', { min: 1, max: 128_000 }).default(
      1_024,
    ),
    LLM_TIMEOUT_MS: envInt('must be milliseconds between 1000 and 600000', {
      min: 1_000,
      max: 600_000,
    }).default(60_000),
    LLM_MAX_RETRIES: envInt('must be an integer between 0 and 5', { min: 0, max: 5 }).default(1),
    LLM_FALLBACKS: envOptionalString(),
    LLM_BREAKER_FAILURES: envInt('must be an integer between 1 and 1000', { min: 1, max: 1_000 }).default(5),
    LLM_BREAKER_FAILURE_RATIO: envNumber('must be a number between 0.05 and 1', {
      min: 0.05,
      max: 1,
    }).default(0.5),
    LLM_BREAKER_MIN_REQUESTS: envInt('must be an integer between 1 and 100000', {
      min: 1,
      max: 100_000,
    }).default(20),
    LLM_BREAKER_WINDOW_MS: envInt('must be milliseconds between 1000 and 600000', {
      min: 1_000,
      max: 600_000,
    }).default(30_000),
    LLM_BREAKER_OPEN_MS: envInt('must be milliseconds between 1000 and 600000', {
      min: 1_000,
      max: 600_000,
    }).default(30_000),
    // Off by default: in the inline-bot benchmark (simulator capacity 512) it held Parley at about
    // 90 calls in flight and 90 msg/s, against 256 in flight and 240 msg/s without it, same run
    // conditions. Turn it on for a backend whose capacity is unknown or shared with others.
    LLM_ADAPTIVE_CONCURRENCY: envBoolean('must be true or false').default(false),
    // 32, WORKER_CONCURRENCY's default: a fresh pod sends what it would without the limiter until
    // the backend shows a queue. From 8, slow start made the first second's messages wait.
    LLM_CONCURRENCY_INITIAL: envInt('must be an integer between 1 and 10000', {
      min: 1,
      max: 10_000,
    }).default(32),
    LLM_CONCURRENCY_MAX: envInt('must be an integer between 1 and 10000', { min: 1, max: 10_000 }).default(
      256,
    ),
    LLM_CONCURRENCY_TOLERANCE: envNumber('must be a number between 1.05 and 10', {
      min: 1.05,
      max: 10,
    }).default(1.5),
    LLM_BATCH_MODE: envEnum(['off', 'completions'], 'must be off or completions').default('off'),
    LLM_BATCH_WINDOW_MS: envInt('must be milliseconds between 0 and 1000', { min: 0, max: 1_000 }).default(5),
    LLM_BATCH_MAX_SIZE: envInt('must be an integer between 1 and 2048', { min: 1, max: 2_048 }).default(32),
    // The names of @parley/llm's chat templates (config does not depend on that package).
    LLM_CHAT_TEMPLATE: envEnum(['chatml', 'llama3'], 'must be chatml or llama3').default('chatml'),
    SINGLE_FLIGHT_ENABLED: envBoolean('must be true or false').default(true),
    SEMANTIC_CACHE_ENABLED: envBoolean('must be true or false').default(false),
    SEMANTIC_CACHE_THRESHOLD: envNumber('must be a cosine similarity between 0.5 and 1', {
      min: 0.5,
      max: 1,
    }).default(0.95),
    SEMANTIC_CACHE_MAX_ENTRIES: envInt('must be an integer between 10 and 1000000', {
      min: 10,
      max: 1_000_000,
    }).default(5_000),
    EMBEDDING_MODEL: envString('must name the embedding model').default('text-embedding-3-small'),
    SYSTEM_PROMPT: envString('must be text').default(DEFAULT_SYSTEM_PROMPT),
    WORKER_CONCURRENCY: envInt('must be an integer between 1 and 1000', { min: 1, max: 1_000 }).default(32),
    WORKER_SHARD_CONCURRENCY: envInt('must be an integer between 1 and 1000', {
      min: 1,
      max: 1_000,
    }).optional(),
    UPDATE_MAX_ATTEMPTS: envInt('must be an integer between 1 and 100', { min: 1, max: 100 }).default(6),
    UPDATE_GIVE_UP_AFTER_MS: envInt('must be milliseconds between 10000 and 86400000', {
      min: 10_000,
      max: 86_400_000,
    }).default(600_000),
    COALESCE_WINDOW_MS: envInt('must be milliseconds between 0 and 10000 (0 turns coalescing off)', {
      min: 0,
      max: 10_000,
    }).default(500),
    COALESCE_MAX_WAIT_MS: envInt('must be milliseconds between 0 and 30000', { min: 0, max: 30_000 }).default(
      2_000,
    ),
    COALESCE_MAX_MESSAGES: envInt('must be an integer between 1 and 50', { min: 1, max: 50 }).default(5),
    STREAMING_ENABLED: envBoolean('must be true or false').default(true),
    STREAM_DRAFT_INTERVAL_MS: envInt('must be milliseconds between 100 and 10000', {
      min: 100,
      max: 10_000,
    }).default(1_000),
    LANE_MAX_BATCHES_PER_RUN: envInt('must be an integer between 1 and 1000', { min: 1, max: 1_000 }).default(
      10,
    ),
    LANE_SWEEP_INTERVAL_MS: envInt('must be milliseconds between 1000 and 3600000', {
      min: 1_000,
      max: 3_600_000,
    }).default(30_000),
    LANE_STALE_AFTER_MS: envInt('must be milliseconds between 1000 and 3600000', {
      min: 1_000,
      max: 3_600_000,
    }).default(60_000),
    WORKER_LOCK_DURATION_MS: envInt('must be milliseconds between 5000 and 600000', {
      min: 5_000,
      max: 600_000,
    }).default(30_000),
    WORKER_STALLED_INTERVAL_MS: envInt('must be milliseconds between 1000 and 600000', {
      min: 1_000,
      max: 600_000,
    }).default(30_000),
    TELEGRAM_GLOBAL_PER_SECOND: envInt(
      'must be an integer between 1 and 1000 (30 normally, up to 1000 with paid broadcasts)',
      {
        min: 1,
        max: 1_000,
      },
    ).default(30),
    TELEGRAM_CHAT_PER_SECOND: envNumber('must be a number between 0.1 and 30', { min: 0.1, max: 30 }).default(
      1,
    ),
    TELEGRAM_CHAT_BURST: envInt('must be an integer between 1 and 30', { min: 1, max: 30 }).default(3),
    TELEGRAM_GROUP_PER_MINUTE: envInt('must be an integer between 1 and 600', { min: 1, max: 600 }).default(
      20,
    ),
    TELEGRAM_MAX_WAIT_MS: envInt('must be milliseconds between 0 and 30000', { min: 0, max: 30_000 }).default(
      3_000,
    ),
    HISTORY_MAX_MESSAGES: envInt('must be an integer between 0 and 500', { min: 0, max: 500 }).default(20),
    HISTORY_TTL_SECONDS: envInt('must be seconds between 60 and 31536000', {
      min: 60,
      max: 31_536_000,
    }).default(604_800),
    CACHE_ENABLED: envBoolean('must be true or false').default(true),
    CACHE_TTL_SECONDS: envInt('must be seconds between 1 and 31536000', { min: 1, max: 31_536_000 }).default(
      86_400,
    ),
    METRICS_PORT: portSchema('must be a TCP port number (0-65535)').default(9464),
    METRICS_HOST: envString('must be an address to listen on').default('0.0.0.0'),
    LOG_MESSAGE_TEXT: envBoolean('must be true or false').default(false),
    // Access, limits, safety and privacy (see worker-guard.ts).
    ...guardEnvSchema,
    // Photos and voice notes (see worker-media.ts).
    ...mediaEnvSchema,
  })
  .superRefine((env, ctx) => {
    for (const p of guardProblems(env)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
    if (env.LLM_FALLBACKS !== undefined) {
      const problem = parseFallbacks(env.LLM_FALLBACKS, {}).problem;
      if (problem) ctx.addIssue({ code: 'custom', path: ['LLM_FALLBACKS'], message: problem });
    }
    if (!env.OPENAI_API_KEY && new URL(env.OPENAI_BASE_URL).hostname === 'api.openai.com') {
      ctx.addIssue({
        code: 'custom',
        path: ['OPENAI_API_KEY'],
        message:
          'is required when OPENAI_BASE_URL is OpenAI itself (set a key, or point OPENAI_BASE_URL at a local server)',
      });
    }
  });

/** One OpenAI-compatible backend: the primary, or a fallback tried when it fails. */
export interface LlmBackendSettings {
  /** Stable short name used in Redis keys and metric labels: primary, fallback-1, … */
  name: string;
  baseURL: string;
  apiKey?: string;
  model: string;
}

/**
 * LLM_FALLBACKS is a comma-separated list of `model@baseURL` entries, tried in order when the
 * primary fails; fallback N takes its key from LLM_FALLBACK_<N>_API_KEY (keys never sit in the list).
 */
function parseFallbacks(
  spec: string,
  env: Record<string, string | undefined>,
): { backends: LlmBackendSettings[]; problem?: string } {
  const backends: LlmBackendSettings[] = [];
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const [i, entry] of entries.entries()) {
    const at = entry.lastIndexOf('@');
    const model = entry.slice(0, at);
    const baseURL = entry.slice(at + 1);
    let valid = at > 0;
    try {
      valid &&= ['http:', 'https:'].includes(new URL(baseURL).protocol);
    } catch {
      valid = false;
    }
    if (!valid) {
      return {
        backends,
        problem: `must be a comma-separated list of model@http(s)://base-url entries (entry ${i + 1} is not)`,
      };
    }
    backends.push({
      name: `fallback-${i + 1}`,
      model,
      baseURL,
      apiKey: env[`LLM_FALLBACK_${i + 1}_API_KEY`]?.trim() || undefined,
    });
  }
  return { backends };
}

export interface LlmSettings {
  baseURL: string;
  /** Absent for local servers that take no key. */
  apiKey?: string;
  model: string;
  temperature: number;
  maxTokens: number;
  timeoutMs: number;
  maxRetries: number;
  /** Primary first, then the fallbacks in order. */
  backends: LlmBackendSettings[];
  /**
   * LLM_BATCH_MODE=completions: the primary's calls go out as prompt arrays on /v1/completions,
   * rendered with `template`; undefined (chat completions, one request per call) when off.
   */
  batch?: { windowMs: number; maxSize: number; template: 'chatml' | 'llama3' };
  /**
   * A backend's circuit opens when, within `windowMs`, it had at least `minimumRequests` calls
   * and `failureThreshold` failures, and failures were at least `failureRatio` of the calls.
   */
  breaker: {
    failureThreshold: number;
    failureRatio: number;
    minimumRequests: number;
    windowMs: number;
    openMs: number;
  };
}

export interface WorkerConfig {
  redisUrl: string;
  /** Set when REDIS_CLUSTER_NODES is: connect to a Redis Cluster instead of REDIS_URL's server. */
  redisCluster?: RedisClusterSettings;
  /**
   * Shards of the updates queue (UPDATE_QUEUE_SHARDS): gateway and worker must agree, and the
   * number may only change while the updates queues are empty (a chat's shard depends on it).
   */
  queueShards: number;
  keyPrefix: string;
  botId: string;
  logLevel: string;
  logMessageText: boolean;
  telegram: {
    botToken: string;
    apiRoot: string;
    /** Outbound limits shared by every pod through Redis. */
    limits: {
      globalPerSecond: number;
      chatPerSecond: number;
      chatBurst: number;
      groupPerMinute: number;
      maxWaitMs: number;
    };
  };
  llm: LlmSettings;
  systemPrompt: string;
  concurrency: number;
  /**
   * Lanes at once per queue shard (WORKER_SHARD_CONCURRENCY); by default `concurrency` split
   * evenly over the shards (rounded up).
   */
  shardConcurrency: number;
  /** A job whose worker stops renewing its lock for this long is given to another worker. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Attempts at one update before the user gets an apology (LLM down) or it is dead-lettered. */
  updateMaxAttempts: number;
  /** An update still unanswered this long after it arrived gets its last attempt (the apology). */
  updateGiveUpAfterMs: number;
  coalesce: { windowMs: number; maxWaitMs: number; maxMessages: number };
  /** Private chats see the answer grow in drafts, at most one draft per `draftIntervalMs`. */
  streaming: { enabled: boolean; draftIntervalMs: number };
  lanes: { maxBatchesPerRun: number; sweepIntervalMs: number; staleAfterMs: number };
  history: { maxMessages: number; ttlSeconds: number };
  cache: {
    enabled: boolean;
    ttlSeconds: number;
    /** Merge identical context-free prompts in flight, across pods. */
    singleFlight: boolean;
    /** Semantic cache on top of the exact one; off until a threshold is tuned on real data. */
    semantic: { enabled: boolean; threshold: number; maxEntries: number; embeddingModel: string };
  };
  /** Adaptive concurrency per LLM backend; undefined when off. */
  llmConcurrency?: { initial: number; max: number; tolerance: number };
  metrics: { host: string; port: number };
  shutdownGraceMs: number;
  /** Access control, per-user and provider limits, input safety, canary and PII masking. */
  guard: GuardSettings;
  /** Photos and voice notes: vision models, transcription, size and duration caps. */
  media: MediaSettings;
}

/** Reads and validates the worker's environment; throws ConfigError naming every bad variable. */
export function loadWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const e = parseEnv(workerEnvSchema, env);
  return {
    redisUrl: e.REDIS_URL,
    redisCluster: clusterSettings(e.REDIS_CLUSTER_NODES, e.REDIS_URL),
    queueShards: e.UPDATE_QUEUE_SHARDS,
    keyPrefix: e.REDIS_KEY_PREFIX,
    botId: e.BOT_ID,
    logLevel: e.LOG_LEVEL,
    logMessageText: e.LOG_MESSAGE_TEXT,
    telegram: {
      botToken: e.TELEGRAM_BOT_TOKEN,
      apiRoot: e.TELEGRAM_API_ROOT,
      limits: {
        globalPerSecond: e.TELEGRAM_GLOBAL_PER_SECOND,
        chatPerSecond: e.TELEGRAM_CHAT_PER_SECOND,
        chatBurst: e.TELEGRAM_CHAT_BURST,
        groupPerMinute: e.TELEGRAM_GROUP_PER_MINUTE,
        maxWaitMs: e.TELEGRAM_MAX_WAIT_MS,
      },
    },
    llm: {
      baseURL: e.OPENAI_BASE_URL,
      apiKey: e.OPENAI_API_KEY,
      model: e.LLM_MODEL,
      temperature: e.LLM_TEMPERATURE,
      maxTokens: e.LLM_MAX_TOKENS,
      timeoutMs: e.LLM_TIMEOUT_MS,
      maxRetries: e.LLM_MAX_RETRIES,
      backends: [
        { name: 'primary', baseURL: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY, model: e.LLM_MODEL },
        ...parseFallbacks(e.LLM_FALLBACKS ?? '', env).backends,
      ],
      ...(e.LLM_BATCH_MODE === 'completions'
        ? {
            batch: {
              windowMs: e.LLM_BATCH_WINDOW_MS,
              maxSize: e.LLM_BATCH_MAX_SIZE,
              template: e.LLM_CHAT_TEMPLATE,
            },
          }
        : {}),
      breaker: {
        failureThreshold: e.LLM_BREAKER_FAILURES,
        failureRatio: e.LLM_BREAKER_FAILURE_RATIO,
        minimumRequests: e.LLM_BREAKER_MIN_REQUESTS,
        windowMs: e.LLM_BREAKER_WINDOW_MS,
        openMs: e.LLM_BREAKER_OPEN_MS,
      },
    },
    systemPrompt: e.SYSTEM_PROMPT,
    concurrency: e.WORKER_CONCURRENCY,
    shardConcurrency: e.WORKER_SHARD_CONCURRENCY ?? Math.ceil(e.WORKER_CONCURRENCY / e.UPDATE_QUEUE_SHARDS),
    lockDurationMs: e.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS,
    updateMaxAttempts: e.UPDATE_MAX_ATTEMPTS,
    updateGiveUpAfterMs: e.UPDATE_GIVE_UP_AFTER_MS,
    coalesce: {
      windowMs: e.COALESCE_WINDOW_MS,
      maxWaitMs: e.COALESCE_MAX_WAIT_MS,
      maxMessages: e.COALESCE_MAX_MESSAGES,
    },
    streaming: { enabled: e.STREAMING_ENABLED, draftIntervalMs: e.STREAM_DRAFT_INTERVAL_MS },
    lanes: {
      maxBatchesPerRun: e.LANE_MAX_BATCHES_PER_RUN,
      sweepIntervalMs: e.LANE_SWEEP_INTERVAL_MS,
      staleAfterMs: e.LANE_STALE_AFTER_MS,
    },
    history: { maxMessages: e.HISTORY_MAX_MESSAGES, ttlSeconds: e.HISTORY_TTL_SECONDS },
    cache: {
      enabled: e.CACHE_ENABLED,
      ttlSeconds: e.CACHE_TTL_SECONDS,
      singleFlight: e.SINGLE_FLIGHT_ENABLED,
      semantic: {
        enabled: e.SEMANTIC_CACHE_ENABLED,
        threshold: e.SEMANTIC_CACHE_THRESHOLD,
        maxEntries: e.SEMANTIC_CACHE_MAX_ENTRIES,
        embeddingModel: e.EMBEDDING_MODEL,
      },
    },
    llmConcurrency: e.LLM_ADAPTIVE_CONCURRENCY
      ? {
          initial: Math.min(e.LLM_CONCURRENCY_INITIAL, e.LLM_CONCURRENCY_MAX),
          max: e.LLM_CONCURRENCY_MAX,
          tolerance: e.LLM_CONCURRENCY_TOLERANCE,
        }
      : undefined,
    metrics: { host: e.METRICS_HOST, port: e.METRICS_PORT },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    guard: guardSettings(e, e.TELEGRAM_BOT_TOKEN),
    media: mediaSettings(e),
  };
}
