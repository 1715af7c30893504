/**
 * Lua scripts over one conversation's keys (all KEYS share the chat's hash tag). Times come from
 * Redis `TIME` in milliseconds, so pods with skewed clocks agree on order and retention; they
 * are written with `%.0f` because Lua's default number formatting may round them.
 */

const NOW_MS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nowText = string.format('%.0f', now)
`;

/**
 * Queued in the worker's MULTI before the history append: moves the turns that the append will
 * push out of the window into the pending list, so none is lost between the window and memory.
 *
 * KEYS: history, pending, state. ARGV: [1] window size (the history's maxMessages), [2] most
 * pending turns, [3] retention ms, [4] epoch for a new conversation, [5..] the turns being
 * appended (history JSON). The history's own append then trims the list: it keeps the newest
 * `window` of (list + appended), so the overflow is the oldest `len + appended - window` of
 * them. With a window of 0 the history keeps nothing and every appended turn spills.
 *
 * Pending entries are written as text around the history's raw JSON, without decoding it: a
 * corrupt history entry cannot fail the MULTI, it is skipped when read.
 * Returns the number of turns spilled.
 */
export const SPILL_SCRIPT = `${NOW_MS}
local window = tonumber(ARGV[1])
local incoming = #ARGV - 4
local len = 0
if window > 0 then len = redis.call('LLEN', KEYS[1]) end
local overflow = len + incoming - window
if overflow <= 0 then return 0 end
local spilled = {}
local fromHistory = math.min(overflow, len)
if fromHistory > 0 then spilled = redis.call('LRANGE', KEYS[1], 0, fromHistory - 1) end
for i = 1, overflow - fromHistory do spilled[#spilled + 1] = ARGV[4 + i] end
redis.call('HSETNX', KEYS[3], 'epoch', ARGV[4])
local last = redis.call('HINCRBY', KEYS[3], 'seq', #spilled)
local first = last - #spilled + 1
for i = 1, #spilled do
  redis.call('RPUSH', KEYS[2], '{"seq":' .. (first + i - 1) .. ',"at":' .. nowText .. ',"turn":' .. spilled[i] .. '}')
end
local excess = redis.call('LLEN', KEYS[2]) - tonumber(ARGV[2])
if excess > 0 then
  redis.call('LTRIM', KEYS[2], excess, -1)
  redis.call('HINCRBY', KEYS[3], 'dropped', excess)
end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return #spilled`;

/**
 * Commits one fold: removes the folded turns from the head of the pending list, replaces the
 * summary, stores the new memories, drops memories past the retention, evicts the oldest beyond
 * the maximum and renews the keys' expiry. Nothing is written when the conversation changed
 * under the fold (forgotten, or another fold got there first): the epoch and the head entry must
 * be the ones the fold read.
 *
 * KEYS: pending, state, entries, vectors, order. ARGV: [1] epoch, [2] head entry as read,
 * [3] turns folded, [4] summary, [5] seq the summary covers, [6] retention ms, [7] most memories,
 * [8..] triples of memory id, entry JSON, vector bytes.
 * Returns { 1, stored, expired, evicted }, or { 0 } on a conflict.
 */
export const COMMIT_FOLD_SCRIPT = `${NOW_MS}
if redis.call('HGET', KEYS[2], 'epoch') ~= ARGV[1] then return { 0 } end
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[2] then return { 0 } end
redis.call('LTRIM', KEYS[1], tonumber(ARGV[3]), -1)
redis.call('HSET', KEYS[2], 'summary', ARGV[4], 'summaryThrough', ARGV[5])
local stored = 0
for i = 8, #ARGV, 3 do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 2])
  redis.call('ZADD', KEYS[5], nowText, ARGV[i])
  stored = stored + 1
end
local function drop(ids)
  for i = 1, #ids, 500 do
    local last = math.min(i + 499, #ids)
    redis.call('HDEL', KEYS[3], unpack(ids, i, last))
    redis.call('HDEL', KEYS[4], unpack(ids, i, last))
    redis.call('ZREM', KEYS[5], unpack(ids, i, last))
  end
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', '(' .. string.format('%.0f', now - tonumber(ARGV[6])))
drop(expired)
local evicted = {}
local excess = redis.call('ZCARD', KEYS[5]) - tonumber(ARGV[7])
if excess > 0 then
  -- Equal scores (one fold) order by member: zero-padded sequence numbers, oldest first.
  evicted = redis.call('ZRANGE', KEYS[5], 0, excess - 1)
  drop(evicted)
end
for i = 1, 5 do redis.call('PEXPIRE', KEYS[i], ARGV[6]) end
return { 1, stored, #expired, #evicted }`;

/** KEYS: lock. ARGV: token. Deletes the lock only if this holder still has it. */
export const RELEASE_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
