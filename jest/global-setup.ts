// Jest runs global setup outside its module resolver, so this imports the package source by path.
import { ensureRedis, type LocalRedis } from '../packages/redis/src/local-server';

/**
 * Runs once before all test files: uses REDIS_URL (default the local 6379) when it answers,
 * otherwise starts a redis-server on a free port. Workers inherit the resulting REDIS_URL.
 */
export default async function globalSetup(): Promise<void> {
  const wanted = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis: LocalRedis = await ensureRedis(wanted);
  process.env.REDIS_URL = redis.url;
  (globalThis as { __parleyRedis?: LocalRedis }).__parleyRedis = redis;
  if (redis.started) console.log(`\n[tests] ${wanted} unreachable; started redis-server at ${redis.url}`);
}
