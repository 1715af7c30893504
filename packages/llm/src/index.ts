export { type ChatMessage, type ChatObserver, type ChatParams, type ChatResult, completeChat } from './chat';
export { createLlmClient, type LlmClientOptions } from './client';
export { classifyLlmError, type LlmFailure, type LlmOutcome } from './errors';
export {
  type CacheKeyParts,
  cacheKeyHash,
  createResponseCache,
  normalizePrompt,
  type ResponseCache,
} from './response-cache';
