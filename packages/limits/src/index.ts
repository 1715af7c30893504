export { providerKeys, type UserId, userKeys } from './keys';
export { createNoticeGate, type NoticeGate, type NoticeGateOptions } from './notice-gate';
export {
  createProviderBudget,
  type ProviderBudget,
  type ProviderBudgetOptions,
  type ProviderGrant,
} from './provider-budget';
export {
  createUserRateLimiter,
  type RateDecision,
  type UserRateLimiter,
  type UserRateLimitOptions,
} from './rate-limit';
export {
  type BudgetReport,
  createTokenBudget,
  type Reservation,
  type ReserveResult,
  type TokenBudget,
  type TokenBudgetOptions,
  type WindowUsage,
} from './token-budget';
export { type BudgetWindow, retainedWindows, type WindowKind, windowAt } from './windows';
