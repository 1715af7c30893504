import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis every test talks to; set by the jest global setup. */
export function testRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A key prefix no other test file shares, so tests run in parallel against one Redis. */
export function uniquePrefix(label = 'test'): string {
  return `t-${label}-${randomBytes(4).toString('hex')}`;
}

export function createTestRedis(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
}

/** Deletes every key under `prefix`; call in afterAll. */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
