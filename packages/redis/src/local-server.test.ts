import { ensureRedis, isRedisReachable, startRedisServer } from './local-server';

describe('local redis-server', () => {
  it('starts a server on a free port and stops it', async () => {
    const redis = await startRedisServer();
    try {
      expect(redis.started).toBe(true);
      expect(await isRedisReachable(redis.url)).toBe(true);
    } finally {
      await redis.stop();
    }
    expect(await isRedisReachable(redis.url, 300)).toBe(false);
  });

  it('reuses a reachable Redis instead of starting one', async () => {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const redis = await ensureRedis(url);
    expect(redis.started).toBe(false);
    expect(redis.url).toBe(url);
  });

  it('reports an unreachable Redis as such', async () => {
    expect(await isRedisReachable('redis://127.0.0.1:1', 300)).toBe(false);
  });
});
