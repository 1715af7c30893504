import type { WorkerConfig } from '@parley/config';
import { createKeyspace, type Keyspace, queues } from '@parley/contracts';
import {
  createHistoryStore,
  createReplyLedger,
  type HistoryStore,
  type ReplyLedger,
} from '@parley/conversation';
import { createDeadLetters, createInbox, type DeadLetters, type Inbox } from '@parley/lanes';
import {
  createEmbeddingBatcher,
  createLlmClient,
  createResilientLlm,
  createResponseCache,
  createSemanticCache,
  createSingleFlight,
  type EmbeddingBatcher,
  type LlmBackend,
  type ResilientLlm,
  type ResponseCache,
  type SemanticCache,
  type SingleFlight,
} from '@parley/llm';
import type { Logger } from '@parley/logging';
import { createRegistry, createWorkerMetrics, type Registry, type WorkerMetrics } from '@parley/metrics';
import { createCommandConnection, type Redis } from '@parley/redis';
import { createOutboundLimiter, createTelegramApi } from '@parley/telegram';
import { Queue } from 'bullmq';
import type { Api } from 'grammy';
import type OpenAI from 'openai';
import { createGuardDeps, type GuardDeps } from './guard/guard-deps';

/** Everything the worker's handlers use, built once per process (or per test). */
export interface WorkerDeps {
  config: WorkerConfig;
  logger: Logger;
  redis: Redis;
  keys: Keyspace;
  api: Api;
  llm: ResilientLlm;
  history: HistoryStore;
  ledger: ReplyLedger;
  cache: ResponseCache;
  /** Merges identical context-free prompts in flight across pods; absent when turned off. */
  singleFlight?: SingleFlight;
  /** Present only when the semantic cache is turned on. */
  semanticCache?: SemanticCache;
  embeddings?: EmbeddingBatcher;
  inbox: Inbox;
  deadLetters: DeadLetters;
  /** Producer handle on the updates queue, to re-arm lanes. */
  updatesQueue: Queue;
  registry: Registry;
  metrics: WorkerMetrics;
  /** Access control, per-user and provider limits, canary. */
  guard: GuardDeps;
  /** The primary backend's client for photos (image input) and voice notes (transcription). */
  mediaClient: OpenAI;
}

export function createWorkerDeps(
  config: WorkerConfig,
  logger: Logger,
  registry = createRegistry(),
): WorkerDeps {
  const metrics = createWorkerMetrics(registry);
  // With REDIS_CLUSTER_NODES this is a Cluster client: it offers the same commands, and the
  // packages that take a Redis use only those.
  const redis = createCommandConnection(config.redisCluster ?? config.redisUrl, {
    connectionName: `parley-worker-${config.botId}`,
  }) as Redis;
  let lastError = 0;
  redis.on('error', (err) => {
    if (Date.now() - lastError > 10_000) {
      lastError = Date.now();
      logger.warn({ err }, 'redis connection error; jobs wait until it is back');
    }
  });
  const keys = createKeyspace(config.keyPrefix);
  const updatesQueue = new Queue(queues.updates.name, { connection: redis, prefix: config.keyPrefix });
  updatesQueue.on('error', () => {});
  return {
    config,
    logger,
    redis,
    keys,
    api: createTelegramApi({
      token: config.telegram.botToken,
      apiRoot: config.telegram.apiRoot,
      // Flood limits apply to the bot, not the pod: every pod books its sends in Redis.
      limiter: createOutboundLimiter(redis, {
        keyPrefix: config.keyPrefix,
        botId: config.botId,
        globalPerSecond: config.telegram.limits.globalPerSecond,
        perChatPerSecond: config.telegram.limits.chatPerSecond,
        perChatBurst: config.telegram.limits.chatBurst,
        perGroupPerMinute: config.telegram.limits.groupPerMinute,
      }),
      maxLimiterWaitMs: config.telegram.limits.maxWaitMs,
      observe: ({ method, outcome, seconds }) => {
        metrics.telegramCalls.inc({ method, outcome });
        metrics.telegramLatency.observe({ method }, seconds);
      },
    }),
    mediaClient: createLlmClient({
      baseURL: config.llm.baseURL,
      apiKey: config.llm.apiKey,
      timeoutMs: config.llm.timeoutMs,
      maxRetries: config.llm.maxRetries,
    }),
    llm: createResilientLlm({
      backends: withPromptBatching(config),
      redis,
      keyPrefix: config.keyPrefix,
      timeoutMs: config.llm.timeoutMs,
      maxRetries: config.llm.maxRetries,
      breaker: config.llm.breaker,
      observe: (e) => {
        const labels = { backend: e.backend, model: e.model, outcome: e.outcome };
        metrics.llmRequests.inc(labels);
        if (!e.outcome.startsWith('skipped')) metrics.llmLatency.observe(labels, e.seconds);
        if (e.promptTokens) metrics.llmTokens.inc({ model: e.model, type: 'prompt' }, e.promptTokens);
        if (e.completionTokens)
          metrics.llmTokens.inc({ model: e.model, type: 'completion' }, e.completionTokens);
      },
      onBreakerChange: ({ backend, state }) => {
        metrics.llmCircuitState.set({ backend }, state === 'closed' ? 0 : state === 'half_open' ? 1 : 2);
        logger.warn({ backend, state }, 'LLM backend circuit changed');
      },
      concurrency: config.llmConcurrency,
      onBatch: ({ backend, prompts }) => metrics.llmBatchPrompts.observe({ backend }, prompts),
      onConcurrency: ({ backend, limit, inFlight, queued }) => {
        metrics.llmConcurrencyLimit.set({ backend }, limit);
        metrics.llmInFlight.set({ backend }, inFlight);
        metrics.llmQueued.set({ backend }, queued);
      },
      onStateError: ({ backend, operation, error }) =>
        logger.warn({ backend, operation, err: error }, 'could not read or write LLM backend state in Redis'),
    }),
    history: createHistoryStore(redis, config.history),
    ledger: createReplyLedger(redis),
    cache: createResponseCache(redis, {
      keyFor: (hash) => keys.responseCache(config.botId, hash),
      ttlSeconds: config.cache.ttlSeconds,
    }),
    ...(config.cache.singleFlight
      ? {
          singleFlight: createSingleFlight(redis, {
            keyPrefix: config.keyPrefix,
            waitTimeoutMs: config.llm.timeoutMs,
          }),
        }
      : {}),
    ...semanticParts(config, redis, metrics),
    inbox: createInbox(redis, keys),
    deadLetters: createDeadLetters(redis, keys),
    updatesQueue,
    registry,
    metrics,
    guard: createGuardDeps(redis, {
      keyPrefix: config.keyPrefix,
      botId: config.botId,
      settings: config.guard,
    }),
  };
}

/**
 * The backends, the primary with prompt batching when LLM_BATCH_MODE=completions. Fallbacks keep
 * chat completions: hosted APIs do not take chat prompts on /v1/completions.
 */
function withPromptBatching(config: WorkerConfig): LlmBackend[] {
  const { batch, backends } = config.llm;
  if (!batch) return backends;
  return backends.map((backend, i) =>
    i === 0
      ? {
          ...backend,
          promptBatching: { windowMs: batch.windowMs, maxBatchSize: batch.maxSize, template: batch.template },
        }
      : backend,
  );
}

/** The semantic cache and its embedding batcher, embedding through the primary backend. */
function semanticParts(
  config: WorkerConfig,
  redis: Redis,
  metrics: WorkerMetrics,
): { semanticCache?: SemanticCache; embeddings?: EmbeddingBatcher } {
  const settings = config.cache.semantic;
  if (!config.cache.enabled || !settings.enabled) return {};
  const primary = config.llm.backends[0];
  if (!primary) return {};
  const embeddings = createEmbeddingBatcher(
    createLlmClient({
      baseURL: primary.baseURL,
      apiKey: primary.apiKey,
      timeoutMs: config.llm.timeoutMs,
      maxRetries: config.llm.maxRetries,
    }),
    { model: settings.embeddingModel },
  );
  const semanticCache = createSemanticCache(redis, {
    keyPrefix: `${config.keyPrefix}:${config.botId}`,
    embed: (text) => embeddings.embed(text),
    threshold: settings.threshold,
    maxEntriesPerScope: settings.maxEntries,
    ttlSeconds: config.cache.ttlSeconds,
    observe: ({ kind }) => metrics.semanticCache.inc({ result: kind }),
  });
  return { semanticCache, embeddings };
}
