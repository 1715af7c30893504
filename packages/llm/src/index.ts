export { type ChatMessage, type ChatObserver, type ChatParams, type ChatResult, completeChat } from './chat';
export { streamChat, type TextObserver } from './chat-stream';
export { createLlmClient, type LlmClientOptions } from './client';
export {
  type AdaptiveLimiter,
  type AdaptiveLimiterOptions,
  type AdaptiveRunOptions,
  createAdaptiveLimiter,
  LimiterQueueFullError,
} from './efficiency/adaptive-limiter';
export {
  CHAT_TEMPLATE_NAMES,
  type ChatTemplate,
  type ChatTemplateName,
  chatTemplate,
} from './efficiency/chat-template';
export {
  createEmbeddingBatcher,
  type EmbeddingBatcher,
  EmbeddingBatcherClosedError,
  type EmbeddingBatcherOptions,
} from './efficiency/embedding-batcher';
export {
  createPromptBatcher,
  type PromptBatcher,
  PromptBatcherClosedError,
  type PromptBatcherOptions,
  type PromptBatchParams,
} from './efficiency/prompt-batcher';
export { splitProportionally } from './efficiency/proportional-split';
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
  dot as unitVectorDot,
  type LabelledPair,
  type SemanticCache,
  type SemanticCacheEvent,
  type SemanticCacheOptions,
  type SemanticLookup,
  type SemanticScopeKeys,
  scopeHash,
  semanticScopeKeys,
  type ThresholdChoice,
  toUnitVector,
  tuneThreshold,
} from './semantic';
