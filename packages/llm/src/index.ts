export { type ChatMessage, type ChatObserver, type ChatParams, type ChatResult, completeChat } from './chat';
export { createLlmClient, type LlmClientOptions } from './client';
export {
  type AdaptiveLimiter,
  type AdaptiveLimiterOptions,
  type AdaptiveRunOptions,
  createAdaptiveLimiter,
  LimiterQueueFullError,
} from './efficiency/adaptive-limiter';
export {
  createEmbeddingBatcher,
  type EmbeddingBatcher,
  EmbeddingBatcherClosedError,
  type EmbeddingBatcherOptions,
} from './efficiency/embedding-batcher';
export {
  createSingleFlight,
  type SingleFlight,
  type SingleFlightCodec,
  type SingleFlightKeys,
  type SingleFlightOptions,
  type SingleFlightResult,
  singleFlightKeys,
} from './efficiency/single-flight';
export { classifyLlmError, type LlmFailure, type LlmOutcome } from './errors';
export type { BreakerState } from './resilience/breaker';
export { AllBackendsFailedError, type BackendAttempt } from './resilience/errors';
export { type BackendKeys, backendKeys } from './resilience/keys';
export type {
  BackendStatus,
  BreakerOptions,
  LlmBackend,
  ResilientLlm,
  ResilientLlmEvent,
  ResilientLlmOptions,
  StateOperation,
} from './resilience/options';
export { createResilientLlm } from './resilience/resilient-llm';
export {
  type CacheKeyParts,
  cacheKeyHash,
  createResponseCache,
  normalizePrompt,
  type ResponseCache,
} from './response-cache';
export {
  type CacheScope,
  createSemanticCache,
  type LabelledPair,
  type SemanticCache,
  type SemanticCacheEvent,
  type SemanticCacheOptions,
  type SemanticLookup,
  type SemanticScopeKeys,
  scopeHash,
  semanticScopeKeys,
  type ThresholdChoice,
  tuneThreshold,
} from './semantic';
