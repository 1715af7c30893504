import type { Redis } from 'ioredis';
import { type UserId, userKeys } from './keys';
import { RATE_LIMIT_SCRIPT } from './rate-limit-script';
import { integers, luaScript } from './redis-script';

export interface UserRateLimitOptions {
  /** First part of every key: `${keyPrefix}:limits:{${botId}:u:${user}}:rate`. */
  keyPrefix: string;
  /** The bot whose users these are; every pod of the bot must use the same. */
  botId: string;
  /** Sustained messages per minute per user. @defaultValue 10 */
  perMinute?: number;
  /**
   * Messages a user may send at once before the rate applies. The default equals `perMinute`, so
   * the 11th message within a minute (at 10/min) is the first one refused. @defaultValue perMinute
   */
  burst?: number;
  /** A limited user is told at most once per this many ms. @defaultValue 60000 */
  noticeIntervalMs?: number;
}

export interface RateDecision {
  allowed: boolean;
  /** When refused: ms until the next message would be allowed. 0 when allowed. */
  retryAfterMs: number;
  /** When allowed: further messages that would be allowed right now. */
  remaining: number;
  /**
   * True on the refusal that should be answered with a notice: the first since the user was last
   * told (at most once per `noticeIntervalMs`). Every other refusal should be dropped silently.
   */
  notify: boolean;
}

export interface UserRateLimiter {
  /** Counts one message of `user` and decides it. `now` defaults to Redis' clock (ms). */
  hit(user: UserId, now?: number): Promise<RateDecision>;
  /** Deletes the user's rate state and notice flag (`/forget`). */
  forget(user: UserId): Promise<void>;
}

/** Per-user message rate limit enforced for every pod at once (GCRA in one Lua script). */
export function createUserRateLimiter(redis: Redis, opts: UserRateLimitOptions): UserRateLimiter {
  const perMinute = opts.perMinute ?? 10;
  if (!(perMinute > 0) || !Number.isFinite(perMinute))
    throw new RangeError('perMinute must be a positive number');
  const burst = opts.burst ?? Math.max(1, Math.round(perMinute));
  if (!Number.isInteger(burst) || burst < 1) throw new RangeError('burst must be an integer >= 1');
  const noticeIntervalMs = opts.noticeIntervalMs ?? 60_000;
  if (!(noticeIntervalMs >= 0)) throw new RangeError('noticeIntervalMs must be >= 0');
  const intervalMs = 60_000 / perMinute;
  const toleranceMs = (burst - 1) * intervalMs;
  const keys = userKeys(opts.keyPrefix, opts.botId);
  const run = luaScript(redis, RATE_LIMIT_SCRIPT);

  return {
    async hit(user, now) {
      const reply = await run(
        [keys.rate(user), keys.notice(user, 'rate')],
        [now ?? '', intervalMs, toleranceMs, noticeIntervalMs],
      );
      const [allowed, retry, remaining, first] = integers(reply, 4, 'the rate limit script');
      return { allowed: allowed === 1, retryAfterMs: retry!, remaining: remaining!, notify: first === 1 };
    },
    async forget(user) {
      await redis.del(keys.rate(user), keys.notice(user, 'rate'));
    },
  };
}
