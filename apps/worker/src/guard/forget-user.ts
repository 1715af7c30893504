import { forgetUser as forgetMemory } from '@parley/memory';
import type { WorkerDeps } from '../deps';

/** What /forget erased, counted for the user's answer. */
export interface Erased {
  historyTurns: number;
  cachedAnswers: number;
  memoryKeys: number;
}

/**
 * Erases what the bot keeps about a user: the private chat's history (a private chat's id is the
 * user's id), the cached answers their prompts created, the long-term memory keys, and their
 * rate, budget and notice counters. The reply ledger of the /forget update itself stays: it is
 * what keeps this answer from being sent twice, and it expires on its own.
 */
export async function forgetUser(deps: WorkerDeps, userId: number): Promise<Erased> {
  const { redis, keys, guard, config } = deps;
  const historyKey = keys.history(config.botId, userId);
  const historyTurns = await redis.llen(historyKey);
  await redis.del(historyKey);
  // The last voice note's transcript (see bot/transcripts.ts) is the user's words too.
  await redis.del(`${historyKey}:transcript`);

  const owned = guard.cacheOwnedKey(userId);
  const hashes = await redis.smembers(owned);
  let cachedAnswers = 0;
  // One DEL per key: cache entries live in different Redis Cluster slots.
  for (const hash of hashes) cachedAnswers += await redis.del(keys.responseCache(config.botId, hash));
  await redis.del(owned);

  const memoryKeys = await forgetMemory(redis, config.keyPrefix, config.botId, userId);
  await guard.rate?.forget(userId);
  await guard.budget.forget(userId);
  await guard.notices.forget(userId, ['blocked', 'not-allowed', 'budget']);
  return { historyTurns, cachedAnswers, memoryKeys };
}
