/**
 * Lua scripts over one scope's keys (KEYS share a hash tag). Times come from Redis `TIME`, in
 * microseconds, so pods with skewed clocks agree on insertion order and expiry. Scores are
 * formatted with `%.0f` because Lua's default number formatting would round them.
 */

const NOW_MICROS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
`;

/**
 * KEYS: entries, order, version. ARGV: id, entry JSON, ttl ms, max entries, version token.
 * Adds (or replaces) the entry with a strictly increasing score, drops entries older than the
 * TTL, evicts the oldest beyond the maximum, replaces the version token and sets the keys' TTL.
 * Returns { score, expired count, evicted count }.
 */
export const STORE_SCRIPT = `${NOW_MICROS}
local ttlMs = tonumber(ARGV[3])
local score = now
local newest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if newest[2] then
  local last = tonumber(newest[2])
  if last >= score then score = last + 1 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], string.format('%.0f', score), ARGV[1])
local function drop(ids)
  for i = 1, #ids, 500 do
    local last = math.min(i + 499, #ids)
    redis.call('HDEL', KEYS[1], unpack(ids, i, last))
    redis.call('ZREM', KEYS[2], unpack(ids, i, last))
  end
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. string.format('%.0f', now - ttlMs * 1000))
drop(expired)
local evicted = 0
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if excess > 0 then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
  drop(oldest)
  evicted = #oldest
end
redis.call('SET', KEYS[3], ARGV[5])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttlMs) end
return { string.format('%.0f', score), #expired, evicted }
`;

/**
 * KEYS: order, version. ARGV: the version the caller knows, ttl ms.
 * Returns { version } when it is unchanged, else { version, ids of the live entries }.
 * A scope with no keys has version ''.
 */
export const SYNC_SCRIPT = `
local version = redis.call('GET', KEYS[2]) or ''
if version == ARGV[1] then return { version } end
${NOW_MICROS}
local cutoff = string.format('%.0f', now - tonumber(ARGV[2]) * 1000)
return { version, redis.call('ZRANGEBYSCORE', KEYS[1], cutoff, '+inf') }
`;

/**
 * KEYS: entries, order. ARGV: id, ttl ms.
 * Returns the entry JSON, or nil when it was evicted or is older than the TTL.
 */
export const FETCH_SCRIPT = `
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not score then return false end
${NOW_MICROS}
if tonumber(score) < now - tonumber(ARGV[2]) * 1000 then return false end
return redis.call('HGET', KEYS[1], ARGV[1])
`;
