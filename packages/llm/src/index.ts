export { type ChatMessage, type ChatObserver, type ChatParams, type ChatResult, completeChat } from './chat';
export { createLlmClient, type LlmClientOptions } from './client';
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
