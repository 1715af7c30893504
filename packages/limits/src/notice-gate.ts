import type { Redis } from 'ioredis';
import { type UserId, userKeys } from './keys';

export interface NoticeGateOptions {
  /** Keys: `${keyPrefix}:limits:{${botId}:u:${user}}:notice:${kind}`. */
  keyPrefix: string;
  botId: string;
  /** At most one notice per user and kind per this many ms. @defaultValue 600000 (10 minutes) */
  intervalMs?: number;
}

export interface NoticeGate {
  /**
   * True when `user` should be told about `kind` now (e.g. 'not-allowed', 'blocked', 'budget'),
   * false when they were told within the interval. The first caller of any pod wins.
   */
  shouldNotify(user: UserId, kind: string): Promise<boolean>;
  /** Forgets the user's notice flags of these kinds (`/forget`). */
  forget(user: UserId, kinds: readonly string[]): Promise<void>;
}

/**
 * "Notify at most once per N minutes per user": refusals (not on the allowlist, blocked, out of
 * budget) are answered politely once, then dropped silently, so a refused user cannot make the
 * bot send a message per message they send.
 */
export function createNoticeGate(redis: Redis, opts: NoticeGateOptions): NoticeGate {
  const intervalMs = opts.intervalMs ?? 600_000;
  if (!Number.isInteger(intervalMs) || intervalMs < 1)
    throw new RangeError('intervalMs must be an integer >= 1');
  const keys = userKeys(opts.keyPrefix, opts.botId);
  return {
    async shouldNotify(user, kind) {
      return (await redis.set(keys.notice(user, kind), '1', 'PX', intervalMs, 'NX')) === 'OK';
    },
    async forget(user, kinds) {
      if (kinds.length > 0) await redis.del(...kinds.map((kind) => keys.notice(user, kind)));
    },
  };
}
