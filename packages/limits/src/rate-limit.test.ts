import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import type { Redis } from 'ioredis';
import { createUserRateLimiter } from './rate-limit';

describe('per-user rate limit', () => {
  let redis: Redis;
  const prefix = uniquePrefix('rate');
  beforeAll(() => {
    redis = createTestRedis();
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('allows 10 messages in a minute, refuses the 11th and says so once', async () => {
    const limiter = createUserRateLimiter(redis, { keyPrefix: prefix, botId: 'b1' });
    const t0 = 1_700_000_000_000;
    const decisions = [];
    for (let i = 0; i < 15; i++) decisions.push(await limiter.hit(42, t0 + i * 100));
    expect(decisions.slice(0, 10).every((d) => d.allowed)).toBe(true);
    expect(decisions[9]!.remaining).toBe(0);
    expect(decisions.slice(10).every((d) => !d.allowed)).toBe(true);
    // Told once, on the 11th; the others are dropped silently.
    expect(decisions.map((d) => d.notify)).toEqual([
      ...Array(10).fill(false),
      true,
      false,
      false,
      false,
      false,
    ]);
    // The next message is allowed one interval (6 s) after the first.
    expect(decisions[10]!.retryAfterMs).toBe(6_000 - 1_000);
    expect((await limiter.hit(42, t0 + 6_000)).allowed).toBe(true);
    expect((await limiter.hit(42, t0 + 6_001)).allowed).toBe(false);
    // Still within the notice interval: not told again.
    expect((await limiter.hit(42, t0 + 6_002)).notify).toBe(false);
  });

  it('refused messages do not push the limit further out', async () => {
    const limiter = createUserRateLimiter(redis, { keyPrefix: prefix, botId: 'b1', perMinute: 60, burst: 1 });
    const t0 = 1_700_000_000_000;
    expect((await limiter.hit('u2', t0)).allowed).toBe(true);
    for (let i = 1; i < 10; i++) expect((await limiter.hit('u2', t0 + i * 50)).allowed).toBe(false);
    expect((await limiter.hit('u2', t0 + 1_000)).allowed).toBe(true);
  });

  it('keeps users, bots and pods apart and shares one count between pods', async () => {
    const podA = createUserRateLimiter(redis, { keyPrefix: prefix, botId: 'b2', perMinute: 2 });
    const podB = createUserRateLimiter(redis, { keyPrefix: prefix, botId: 'b2', perMinute: 2 });
    const otherBot = createUserRateLimiter(redis, { keyPrefix: prefix, botId: 'b3', perMinute: 2 });
    const now = 1_700_000_000_000;
    expect((await podA.hit(7, now)).allowed).toBe(true);
    expect((await podB.hit(7, now)).allowed).toBe(true);
    expect((await podA.hit(7, now)).allowed).toBe(false);
    expect((await podB.hit(8, now)).allowed).toBe(true);
    expect((await otherBot.hit(7, now)).allowed).toBe(true);
  });

  it('uses Redis time by default, and keys that expire and share one hash tag per user', async () => {
    const limiter = createUserRateLimiter(redis, { keyPrefix: prefix, botId: 'b4', perMinute: 1, burst: 1 });
    expect((await limiter.hit(9)).allowed).toBe(true);
    const refused = await limiter.hit(9);
    expect(refused.allowed).toBe(false);
    expect(refused.notify).toBe(true);
    const keys = await redis.keys(`${prefix}:limits:{b4:u:9}:*`);
    expect(keys.sort()).toEqual([`${prefix}:limits:{b4:u:9}:notice:rate`, `${prefix}:limits:{b4:u:9}:rate`]);
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(61_000);
    }
    await limiter.forget(9);
    expect(await redis.keys(`${prefix}:limits:{b4:u:9}:*`)).toEqual([]);
    expect((await limiter.hit(9)).allowed).toBe(true);
  });

  it('rejects ids that would break the hash tag', () => {
    const limiter = createUserRateLimiter(redis, { keyPrefix: prefix, botId: 'b5' });
    return expect(limiter.hit('a}b')).rejects.toThrow(RangeError);
  });
});
