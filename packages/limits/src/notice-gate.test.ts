import { createTestRedis, deleteKeysWithPrefix, sleep, uniquePrefix } from '@parley/testing';
import type { Redis } from 'ioredis';
import { createNoticeGate } from './notice-gate';

describe('notice gate', () => {
  let redis: Redis;
  const prefix = uniquePrefix('notice');
  beforeAll(() => {
    redis = createTestRedis();
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('says yes once per user and kind per interval, across pods', async () => {
    const podA = createNoticeGate(redis, { keyPrefix: prefix, botId: 'b', intervalMs: 300 });
    const podB = createNoticeGate(redis, { keyPrefix: prefix, botId: 'b', intervalMs: 300 });
    const answers = await Promise.all([podA, podB, podA, podB].map((g) => g.shouldNotify(1, 'not-allowed')));
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await podA.shouldNotify(1, 'blocked')).toBe(true);
    expect(await podA.shouldNotify(2, 'not-allowed')).toBe(true);
    await sleep(350);
    expect(await podB.shouldNotify(1, 'not-allowed')).toBe(true);
    await podA.forget(1, ['not-allowed', 'blocked']);
    expect(await podA.shouldNotify(1, 'blocked')).toBe(true);
  });
});
