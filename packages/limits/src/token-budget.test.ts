import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import type { Redis } from 'ioredis';
import { createTokenBudget } from './token-budget';

describe('per-user token budgets', () => {
  let redis: Redis;
  const prefix = uniquePrefix('budget');
  let now = Date.UTC(2099, 5, 30, 23, 0, 0); // 30 June 2099 (the future: keys expire at absolute times), 23:00 UTC
  const clock = () => now;
  beforeAll(() => {
    redis = createTestRedis();
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('reserves, settles with the real usage and refuses what would exceed the daily budget', async () => {
    const budget = createTokenBudget(redis, { keyPrefix: prefix, botId: 'b', dailyTokens: 1000, clock });
    const first = await budget.reserve(1, 600);
    expect(first.ok).toBe(true);
    // The reservation holds the budget while the call runs: a second one does not fit.
    const second = await budget.reserve(1, 600);
    expect(second).toMatchObject({ ok: false, window: 'daily' });
    expect(second.report.daily).toMatchObject({ used: 0, reserved: 600, left: 400, limit: 1000 });
    if (!first.ok) throw new Error('unreachable');
    expect(await budget.settle(first.reservation, 250)).toBe(true);
    // Settling twice (a retry after a crash) charges nothing more.
    expect(await budget.settle(first.reservation, 250)).toBe(false);
    const report = await budget.report(1);
    expect(report.daily).toMatchObject({ used: 250, reserved: 0, left: 750, resetsAt: Date.UTC(2099, 6, 1) });
    expect(report.monthly).toMatchObject({
      used: 250,
      limit: undefined,
      left: undefined,
      resetsAt: Date.UTC(2099, 6, 1),
    });
    expect((await budget.reserve(1, 600)).ok).toBe(true);
  });

  it('resets at UTC midnight and at the start of the month', async () => {
    now = Date.UTC(2099, 5, 30, 23, 59, 0);
    const budget = createTokenBudget(redis, {
      keyPrefix: prefix,
      botId: 'c',
      dailyTokens: 100,
      monthlyTokens: 150,
      clock,
    });
    await budget.charge(2, 100);
    expect((await budget.reserve(2, 1)).ok).toBe(false);
    now = Date.UTC(2099, 6, 1, 0, 0, 1); // a new day and a new month
    const fresh = await budget.report(2);
    expect(fresh.daily.used).toBe(0);
    expect(fresh.monthly.used).toBe(0);
    await budget.charge(2, 100);
    now = Date.UTC(2099, 6, 2, 12, 0, 0); // the next day, same month
    const refused = await budget.reserve(2, 60);
    expect(refused).toMatchObject({ ok: false, window: 'monthly' });
    expect(refused.report.monthly).toMatchObject({ used: 100, left: 50, resetsAt: Date.UTC(2099, 7, 1) });
    expect((await budget.reserve(2, 50)).ok).toBe(true);
  });

  it('drops reservations whose caller never settled, after their TTL', async () => {
    now = Date.UTC(2099, 1, 10, 10, 0, 0);
    const budget = createTokenBudget(redis, {
      keyPrefix: prefix,
      botId: 'd',
      dailyTokens: 100,
      reservationTtlMs: 60_000,
      clock,
    });
    expect((await budget.reserve(3, 100)).ok).toBe(true);
    expect((await budget.reserve(3, 1)).ok).toBe(false);
    now += 60_001;
    expect((await budget.reserve(3, 100)).ok).toBe(true);
  });

  it('a retried reserve with the same id books once', async () => {
    now = Date.UTC(2099, 1, 11, 10, 0, 0);
    const budget = createTokenBudget(redis, { keyPrefix: prefix, botId: 'e', dailyTokens: 100, clock });
    expect((await budget.reserve(4, 60, 'job-1')).ok).toBe(true);
    expect((await budget.reserve(4, 60, 'job-1')).ok).toBe(true);
    expect((await budget.report(4)).daily.reserved).toBe(60);
  });

  it('keys share the user hash tag, expire after the window plus retention, and forget erases them', async () => {
    now = Date.UTC(2099, 2, 15, 12, 0, 0);
    const budget = createTokenBudget(redis, { keyPrefix: prefix, botId: 'f', dailyTokens: 1000, clock });
    await budget.charge(5, 10);
    now = Date.UTC(2099, 2, 16, 12, 0, 0);
    const open = await budget.reserve(5, 10);
    await budget.charge(5, 10);
    const keys = (await redis.keys(`${prefix}:limits:{f:u:5}:*`)).sort();
    expect(keys).toEqual([
      `${prefix}:limits:{f:u:5}:tokens:d20990315`,
      `${prefix}:limits:{f:u:5}:tokens:d20990316`,
      `${prefix}:limits:{f:u:5}:tokens:m209903`,
      `${prefix}:limits:{f:u:5}:tokens:reserved`,
    ]);
    // Expiry is absolute (PEXPIREAT the window's end + 1 day), so it is checked with EXPIRETIME.
    const dayExpiry = await redis.call('PEXPIRETIME', `${prefix}:limits:{f:u:5}:tokens:d20990316`);
    expect(dayExpiry).toBe(Date.UTC(2099, 2, 18));
    expect(await redis.pttl(`${prefix}:limits:{f:u:5}:tokens:reserved`)).toBeGreaterThan(0);
    expect(open.ok).toBe(true);
    await budget.forget(5);
    expect(await redis.keys(`${prefix}:limits:{f:u:5}:*`)).toEqual([]);
  });
});
