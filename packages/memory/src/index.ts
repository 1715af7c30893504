export { type FoldResult, groupExchanges } from './fold';
export { forgetConversation, forgetUser } from './forget';
export { type ConversationRef, type MemoryKeys, memoryKeys, memoryKeysMatch } from './keys';
export { type ConversationMemory, createConversationMemory } from './memory';
export { embedWithOpenAi, summariseWithOpenAi } from './openai';
export type { EmbedFn, MemoryEvent, MemoryMessage, MemoryOptions, RedisClient, SummariseFn } from './options';
export {
  type BuiltPrompt,
  buildPrompt,
  type PromptBudget,
  type PromptInput,
  promptTokens,
  recallNote,
  SUMMARY_HEADING,
  type TokenBreakdown,
} from './prompt';
export type { MemoryContext, RecalledMemory } from './recall';
export type { Turn } from './schemas';
export type { SpillInput } from './spill';
export { clampToTokens, summaryInstruction, summaryMessages } from './summary-prompt';
export {
  type CountTokens,
  estimateTokens,
  MESSAGE_OVERHEAD_TOKENS,
  messageTokens,
  PROMPT_TOKENS_METRIC,
} from './tokens';
