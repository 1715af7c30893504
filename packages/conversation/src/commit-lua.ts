import { TRIM_SENT_LUA } from './reply-ledger';

/**
 * Lua functions for a script that commits a finished update in one call (the worker's commit:
 * the conversation turn, the ledger's "done" and the update's removal from its inbox). A script
 * is one atomic command, like a MULTI, but costs one command and one parsed reply instead of a
 * dozen, and can skip writes that change nothing.
 *
 * - `appendTurns(key, maxMessages, ttlSeconds, turns)`: as HistoryStore.appendTo, with `turns`
 *   a Lua list of JSON entries (see {@link turnEntries}); the trim only runs once the list is
 *   longer than the window.
 * - `finishLedger(key, sentCount, messageId, sentKey, ttlSeconds)`: as ReplyLedger.finishIn; with
 *   `sentCount` other than '' it also records the answer's last part, as markPartSent does.
 * - `coverLedger(key, leaderId, ttlSeconds)`: as ReplyLedger.coverIn.
 */
export const COMMIT_LUA = `${TRIM_SENT_LUA}
local function appendTurns(key, maxMessages, ttl, turns)
  if maxMessages <= 0 or #turns == 0 then return end
  if redis.call('RPUSH', key, unpack(turns)) > maxMessages then
    redis.call('LTRIM', key, -maxMessages, -1)
  end
  redis.call('EXPIRE', key, ttl)
end
local function finishLedger(key, sentCount, messageId, sentKey, ttl)
  if sentCount == '' then
    redis.call('HSET', key, 'done', '1')
    return
  end
  redis.call('HSET', key, 'sent', sentCount, 'id:' .. sentCount, messageId, 'done', '1')
  redis.call('ZADD', sentKey, messageId, messageId)
  redis.call('EXPIRE', sentKey, ttl)
  trimSent(sentKey, messageId)
end
local function coverLedger(key, leaderId, ttl)
  redis.call('HSET', key, 'done', '1', 'coveredBy', leaderId)
  redis.call('EXPIRE', key, ttl)
end`;

/** History entries as the list stores them, for `appendTurns`. */
export function turnEntries(turns: ReadonlyArray<{ role: string; content: string }>): string[] {
  return turns.map((t) => JSON.stringify(t));
}
