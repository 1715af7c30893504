import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type ScriptRunner = (keys: string[], args: (string | number)[]) => Promise<unknown>;

/**
 * Runs a Lua script by its SHA1 (the usual case: Redis has it cached) and sends the source only
 * when Redis answers NOSCRIPT (after a restart or a failover), so each call costs one round trip.
 */
export function luaScript(redis: Redis, source: string): ScriptRunner {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(source, keys.length, ...keys, ...args);
    }
  };
}

/** The integers of a script's array reply; throws on anything else (a script bug, not a user error). */
export function integers(reply: unknown, count: number, what: string): number[] {
  if (!Array.isArray(reply) || reply.length < count)
    throw new Error(`unexpected reply from ${what}: ${String(reply)}`);
  const out = reply.slice(0, count).map(Number);
  if (out.some((n) => !Number.isFinite(n)))
    throw new Error(`unexpected reply from ${what}: ${String(reply)}`);
  return out;
}

/**
 * Lua prologue: `now` in ms from ARGV[1], or Redis' own clock when ARGV[1] is '' (one clock for
 * every pod, so skewed pod clocks cannot hand out extra requests).
 */
export const NOW_FROM_ARGV1 = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;
