import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import type { Redis } from 'ioredis';
import { createProviderBudget } from './provider-budget';

describe('global provider budget', () => {
  let redis: Redis;
  const prefix = uniquePrefix('provider');
  beforeAll(() => {
    redis = createTestRedis();
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('lets the burst through at once, then makes callers wait for the refill or refuses', async () => {
    const budget = createProviderBudget(redis, {
      keyPrefix: prefix,
      provider: 'p1',
      requestsPerMinute: 600, // one per 100 ms
      tokensPerMinute: 1_000_000,
      requestBurst: 3,
      maxWaitMs: 0,
    });
    const grants = await Promise.all([1, 2, 3].map(() => budget.acquire(10)));
    expect(grants.every((g) => g.granted)).toBe(true);
    const refused = await budget.acquire(10);
    expect(refused.granted).toBe(false);
    if (refused.granted) throw new Error('unreachable');
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(100);
    // Waiting is bounded by maxWaitMs: with room to wait, acquire sleeps for the slot.
    const started = Date.now();
    const waited = await budget.acquire(10, { maxWaitMs: 500 });
    expect(waited.granted).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual((waited as { waitedMs: number }).waitedMs - 5);
  });

  it('limits tokens per minute across pods and gives unused tokens back on settle', async () => {
    const opts = {
      keyPrefix: prefix,
      provider: 'p2',
      requestsPerMinute: 10_000,
      tokensPerMinute: 6_000, // 100 per second
      tokenBurst: 1_000,
      maxWaitMs: 0,
    };
    const podA = createProviderBudget(redis, opts);
    const podB = createProviderBudget(redis, opts);
    const a = await podA.acquire(800);
    expect(a.granted).toBe(true);
    // Pod B sees pod A's booking: 800 + 800 is over the 1000-token bucket.
    expect((await podB.acquire(800)).granted).toBe(false);
    // The call used only 100 tokens: 700 come back and pod B fits.
    await podA.settle(a, 100);
    expect((await podB.acquire(800)).granted).toBe(true);
  });

  it('never lets more than the limit through in a window, whatever the concurrency', async () => {
    const budget = createProviderBudget(redis, {
      keyPrefix: prefix,
      provider: 'p3',
      requestsPerMinute: 60, // one per second
      tokensPerMinute: 1_000_000,
      requestBurst: 5,
      maxWaitMs: 0,
    });
    const grants = await Promise.all(Array.from({ length: 50 }, () => budget.acquire(1)));
    expect(grants.filter((g) => g.granted)).toHaveLength(5);
    expect(await budget.peekWaitMs(1)).toBeGreaterThan(0);
    const ttl = await redis.pttl(`${prefix}:limits:{provider:p3}:requests`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(6_000);
  });
});
