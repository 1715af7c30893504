import type { CacheKeyParts, ChatMessage, ChatResult } from '@parley/llm';
import { cacheKeyHash } from '@parley/llm';
import { RetryLaterError } from './errors';
import type { Decision } from './reply-once';
import { texts } from './texts';
import type { ParleyContext } from './update-scope';

export type Booking =
  | {
      ok: true;
      /** Runs the LLM call within the provider's shared budget (parks the lane when it is spent). */
      call: <R extends ChatResult>(complete: () => Promise<R>) => Promise<R>;
      /** Replaces the user's reservation with the real usage; idempotent. */
      settle: (usedTokens: number) => Promise<void>;
    }
  | { ok: false; refusal: Decision };

/** Rough token count (4 characters a token): a reservation only has to be of the right size. */
const estimateTokens = (messages: ChatMessage[]) =>
  Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);

/**
 * Books the call's tokens (prompt estimate + the answer's max tokens) against the user's daily
 * and monthly budgets before the LLM is asked. The reservation id is the update's, so a retried
 * attempt finds its own reservation instead of booking again.
 */
export async function bookTokens(ctx: ParleyContext, messages: ChatMessage[]): Promise<Booking> {
  const { deps, job } = ctx.scope;
  const { guard } = deps;
  const userId = ctx.from?.id ?? ctx.chat?.id ?? 0;
  const estimate = estimateTokens(messages) + deps.config.llm.maxTokens;
  const booked = await guard.budget.reserve(
    userId,
    estimate,
    `${job.botId}.${ctx.chat?.id ?? 0}.${ctx.update.update_id}`,
  );
  if (!booked.ok) {
    const resetsAt = booked.report[booked.window].resetsAt;
    return { ok: false, refusal: { answer: texts.outOfBudget(booked.window, resetsAt), kind: 'refused' } };
  }
  return {
    ok: true,
    settle: async (used) => {
      await guard.budget.settle(booked.reservation, used);
    },
    call: async <R extends ChatResult>(complete: () => Promise<R>): Promise<R> => {
      if (!guard.provider) return complete();
      const grant = await guard.provider.acquire(estimate);
      // The account's per-minute budget is spent for longer than we may wait: park the chat.
      if (!grant.granted) throw new RetryLaterError(grant.retryAfterMs, 'provider budget exhausted');
      let used = 0;
      try {
        const result = await complete();
        used = result.promptTokens + result.completionTokens;
        return result;
      } finally {
        await guard.provider.settle(grant, used);
      }
    },
  };
}

/**
 * Remembers which cache entries a user's prompts created, so /forget can delete them; kept as
 * long as the entries themselves.
 */
export async function recordCacheOwner(ctx: ParleyContext, parts: CacheKeyParts): Promise<void> {
  const { deps } = ctx.scope;
  const userId = ctx.from?.id;
  if (userId === undefined) return;
  const key = deps.guard.cacheOwnedKey(userId);
  await deps.redis.multi().sadd(key, cacheKeyHash(parts)).expire(key, deps.config.cache.ttlSeconds).exec();
}
