import type { GuardSettings } from '@parley/config';
import {
  createNoticeGate,
  createProviderBudget,
  createTokenBudget,
  createUserRateLimiter,
  type NoticeGate,
  type ProviderBudget,
  type TokenBudget,
  type UserRateLimiter,
} from '@parley/limits';
import type { Redis } from '@parley/redis';
import { deriveCanary } from '@parley/safety';
import type { Redis as IoRedis } from 'ioredis';

/** The per-user and provider limits, the blocklist and the canary, built once per process. */
export interface GuardDeps {
  settings: GuardSettings;
  /** Absent when USER_RATE_PER_MINUTE=0. */
  rate?: UserRateLimiter;
  budget: TokenBudget;
  /** Absent when no provider limit is configured. */
  provider?: ProviderBudget;
  notices: NoticeGate;
  /** The secret marker in the system prompt; absent when CANARY_ENABLED=false. */
  canary?: string;
  /** Redis set of blocked user ids. */
  blockedKey: string;
  /** Redis set of response-cache hashes a user's prompts created (so /forget can delete them). */
  cacheOwnedKey: (userId: number) => string;
}

/** Retention of the per-user record of cache entries: as long as the entries themselves. */
export function createGuardDeps(
  redis: Redis,
  opts: { keyPrefix: string; botId: string; settings: GuardSettings },
): GuardDeps {
  const { keyPrefix, botId, settings } = opts;
  // The limits package takes ioredis' single-node type; a Cluster client offers the same commands.
  const r = redis as unknown as IoRedis;
  return {
    settings,
    ...(settings.ratePerMinute > 0
      ? { rate: createUserRateLimiter(r, { keyPrefix, botId, perMinute: settings.ratePerMinute }) }
      : {}),
    budget: createTokenBudget(r, {
      keyPrefix,
      botId,
      dailyTokens: settings.tokensPerDay,
      monthlyTokens: settings.tokensPerMonth,
    }),
    ...(settings.provider
      ? {
          provider: createProviderBudget(r, {
            keyPrefix,
            provider: settings.provider.name,
            requestsPerMinute: settings.provider.requestsPerMinute,
            tokensPerMinute: settings.provider.tokensPerMinute,
            maxWaitMs: settings.provider.maxWaitMs,
          }),
        }
      : {}),
    notices: createNoticeGate(r, { keyPrefix, botId, intervalMs: settings.noticeIntervalMs }),
    ...(settings.canarySecret ? { canary: deriveCanary(settings.canarySecret, botId) } : {}),
    blockedKey: `${keyPrefix}:access:{${botId}}:blocked`,
    // Under the user's limits hash tag, so it sits with the user's other keys.
    cacheOwnedKey: (userId) => `${keyPrefix}:limits:{${botId}:u:${userId}}:cache-owned`,
  };
}
