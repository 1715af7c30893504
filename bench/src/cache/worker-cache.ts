import { loadWorkerConfig, type WorkerConfig } from '@parley/config';
import { createKeyspace } from '@parley/contracts';
import {
  type CacheKeyParts,
  type CacheScope,
  cacheKeyHash,
  createEmbeddingBatcher,
  createLlmClient,
  createResponseCache,
  createSemanticCache,
  createSingleFlight,
  type EmbeddingBatcher,
  type ResponseCache,
  type SemanticCache,
  type SemanticLookup,
  type SingleFlight,
} from '@parley/llm';
import type { Redis } from 'ioredis';

/**
 * The worker's answer caches, built and used exactly as the worker does, without the rest of it:
 * the wiring of apps/worker/src/deps.ts (exact response cache, single-flight, the semantic cache
 * behind an embedding batcher on the primary backend) from the worker's own config parser, and
 * the cache path of `decideAnswer` in apps/worker/src/bot/answer-with-llm.ts: only a message
 * with no history is cacheable; exact lookup, then semantic; on a miss, one LLM call shared by
 * identical prompts in flight; a complete answer is stored in both caches.
 */

export interface WorkerCacheOptions {
  redis: Redis;
  redisUrl: string;
  /** `/v1` base URL of the simulator that serves embeddings. */
  llmBaseURL: string;
  model: string;
  keyPrefix: string;
  /** Extra worker environment, e.g. `SEMANTIC_CACHE_THRESHOLD`. */
  env?: Record<string, string>;
  /** Passed to the semantic cache, for the replay's near-miss counts (the worker feeds a metric). */
  nearMissMargin?: number;
}

/** What the LLM returned, as `deps.llm.complete` reports it. */
export interface Completion {
  text: string;
  finishReason: string;
  backend: string;
}

export type Decision =
  | { kind: 'cache'; answer: string }
  | { kind: 'semantic-cache'; answer: string; similarity: number; matchedPrompt: string }
  | { kind: 'llm'; answer: string; shared: boolean };

export interface CacheOutcome {
  decision: Decision;
  /** The semantic lookup's result when one ran ('error' when it failed and counted as a miss). */
  semantic?: SemanticLookup | { kind: 'error' };
  /** Milliseconds spent in the cache lookups (exact, then semantic), not in the LLM. */
  lookupMs: number;
}

export interface WorkerCache {
  config: WorkerConfig;
  /** The cache path of one message; `historyLength` is what the worker's history load returned. */
  answer(text: string, historyLength: number, complete: () => Promise<Completion>): Promise<CacheOutcome>;
  close(): Promise<void>;
}

/** The worker's configuration for this run: its own parser and defaults, with the bench's endpoints. */
export function workerConfigFor(
  o: Pick<WorkerCacheOptions, 'redisUrl' | 'llmBaseURL' | 'model' | 'keyPrefix' | 'env'>,
): WorkerConfig {
  return loadWorkerConfig({
    REDIS_URL: o.redisUrl,
    REDIS_KEY_PREFIX: o.keyPrefix,
    TELEGRAM_BOT_TOKEN: '1000000009:AAbenchCacheTokenNeverUsedForCalls0',
    OPENAI_BASE_URL: o.llmBaseURL,
    OPENAI_API_KEY: 'sk-bench',
    LLM_MODEL: o.model,
    SEMANTIC_CACHE_ENABLED: 'true',
    ...o.env,
  });
}

export function createWorkerCache(o: WorkerCacheOptions): WorkerCache {
  const config = workerConfigFor(o);
  const { redis } = o;
  const keys = createKeyspace(config.keyPrefix);
  const cache: ResponseCache = createResponseCache(redis, {
    keyFor: (hash) => keys.responseCache(config.botId, hash),
    ttlSeconds: config.cache.ttlSeconds,
  });
  const singleFlight: SingleFlight | undefined = config.cache.singleFlight
    ? createSingleFlight(redis, { keyPrefix: config.keyPrefix, waitTimeoutMs: config.llm.timeoutMs })
    : undefined;
  const primary = config.llm.backends[0];
  if (!primary) throw new Error('no primary LLM backend');
  const settings = config.cache.semantic;
  const embeddings: EmbeddingBatcher | undefined = settings.enabled
    ? createEmbeddingBatcher(
        createLlmClient({
          baseURL: primary.baseURL,
          apiKey: primary.apiKey,
          timeoutMs: config.llm.timeoutMs,
          maxRetries: config.llm.maxRetries,
        }),
        { model: settings.embeddingModel },
      )
    : undefined;
  const semanticCache: SemanticCache | undefined = embeddings
    ? createSemanticCache(redis, {
        keyPrefix: `${config.keyPrefix}:${config.botId}`,
        embed: (text) => embeddings.embed(text),
        threshold: settings.threshold,
        maxEntriesPerScope: settings.maxEntries,
        ttlSeconds: config.cache.ttlSeconds,
        ...(o.nearMissMargin === undefined ? {} : { nearMissMargin: o.nearMissMargin }),
      })
    : undefined;

  const semanticScope = (parts: CacheKeyParts): CacheScope => ({
    model: parts.model,
    systemPrompt: parts.systemPrompt,
    temperature: parts.temperature,
    maxTokens: parts.maxTokens,
    context: 'none',
  });

  return {
    config,
    async answer(text, historyLength, complete) {
      const parts: CacheKeyParts = {
        model: config.llm.model,
        systemPrompt: config.systemPrompt,
        temperature: config.llm.temperature,
        maxTokens: config.llm.maxTokens,
        prompt: text,
      };
      // The worker's rule: with history, the same words can ask something else.
      const cacheable = config.cache.enabled && historyLength === 0;
      let semantic: CacheOutcome['semantic'];
      const started = performance.now();
      if (cacheable) {
        const hit = await cache.get(parts);
        if (hit) return { decision: { kind: 'cache', answer: hit }, lookupMs: performance.now() - started };
        if (semanticCache) {
          try {
            semantic = await semanticCache.lookup(semanticScope(parts), parts.prompt);
          } catch {
            semantic = { kind: 'error' };
          }
          if (semantic.kind === 'hit') {
            return {
              decision: {
                kind: 'semantic-cache',
                answer: semantic.answer,
                similarity: semantic.similarity,
                matchedPrompt: semantic.matchedPrompt,
              },
              semantic,
              lookupMs: performance.now() - started,
            };
          }
        }
      }
      const lookupMs = performance.now() - started;
      const { value: result, shared } =
        cacheable && singleFlight
          ? await singleFlight.run(`${config.botId}:${cacheKeyHash(parts)}`, complete)
          : { value: await complete(), shared: false };
      const answer = result.text.trim();
      if (cacheable && result.finishReason === 'stop' && result.backend === 'primary') {
        await cache.set(parts, answer);
        await semanticCache?.store(semanticScope(parts), text, answer).catch(() => {});
      }
      return { decision: { kind: 'llm', answer, shared }, ...(semantic ? { semantic } : {}), lookupMs };
    },
    async close() {
      await embeddings?.close();
    },
  };
}
