import type { Redis } from 'ioredis';
import type { BackendKeys } from './keys';

// Two pods can receive 429s with different retry-afters at nearly the same time; the longer
// wait wins, so a short hint never cuts short what the backend asked of another pod.
const PAUSE_SCRIPT = `
local left = redis.call('PTTL', KEYS[1])
local wanted = tonumber(ARGV[1])
if left < wanted then
  redis.call('SET', KEYS[1], '1', 'PX', wanted)
  return wanted
end
return left`;

/**
 * Pauses a backend for every pod after it answered 429. Returns the pause now in force in ms
 * (at least `ms`).
 */
export async function pauseBackend(redis: Redis, keys: BackendKeys, ms: number): Promise<number> {
  return Number(await redis.eval(PAUSE_SCRIPT, 1, keys.pause, String(Math.ceil(ms))));
}
