import { NOW_FROM_ARGV1 } from './redis-script';

/**
 * Token budgets: one hash per user and window (`used` = settled tokens) plus one hash of open
 * reservations per user (field = reservation id, value `r:<tokens>:<expires ms>` while open or
 * `s:<expires ms>` once settled, kept a while so a settle retried after a crash is not charged
 * twice). A reservation counts against every window until it is settled or expires; expiry
 * bounds what a pod that died between reserve and settle can hold back.
 */

/** Lua shared by both scripts: drops expired entries and sums the open reservations. */
const OPEN_RESERVATIONS = `
local function openReserved(key)
  local total = 0
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    local value = all[i + 1]
    local kind, a, b = string.match(value, '^(%a):([%d.]+):?([%d.]*)$')
    local expires = tonumber(kind == 'r' and b or a) or 0
    if expires <= now then
      redis.call('HDEL', key, all[i])
    elseif kind == 'r' then
      total = total + tonumber(a)
    end
  end
  return total
end
local function keepUntil(key, at)
  local ttl = math.ceil(at - now)
  if ttl > 0 and redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
end
`;

/**
 * KEYS[1] daily hash, KEYS[2] monthly hash, KEYS[3] reservations.
 * ARGV[1] now ('' = Redis TIME), ARGV[2] reservation id, ARGV[3] estimated tokens,
 * ARGV[4] daily limit (0 = none), ARGV[5] monthly limit (0 = none), ARGV[6] reservation TTL ms.
 * Returns { ok 1/0, refusing window (0 none, 1 daily, 2 monthly), daily used, monthly used,
 * reserved by others }.
 */
export const RESERVE_SCRIPT = `${NOW_FROM_ARGV1}${OPEN_RESERVATIONS}
local estimate = tonumber(ARGV[3])
local reserved = openReserved(KEYS[3])
local dayUsed = tonumber(redis.call('HGET', KEYS[1], 'used')) or 0
local monthUsed = tonumber(redis.call('HGET', KEYS[2], 'used')) or 0
local existing = redis.call('HGET', KEYS[3], ARGV[2])
if existing then
  -- A retried reserve with the same id: already booked (or already settled).
  return { 1, 0, dayUsed, monthUsed, reserved }
end
local dayLimit = tonumber(ARGV[4])
local monthLimit = tonumber(ARGV[5])
if dayLimit > 0 and dayUsed + reserved + estimate > dayLimit then
  return { 0, 1, dayUsed, monthUsed, reserved }
end
if monthLimit > 0 and monthUsed + reserved + estimate > monthLimit then
  return { 0, 2, dayUsed, monthUsed, reserved }
end
local expires = now + tonumber(ARGV[6])
redis.call('HSET', KEYS[3], ARGV[2], 'r:' .. string.format('%d', estimate) .. ':' .. string.format('%.0f', expires))
keepUntil(KEYS[3], expires)
return { 1, 0, dayUsed, monthUsed, reserved }
`;

/**
 * KEYS as above. ARGV[1] now, ARGV[2] reservation id, ARGV[3] tokens used, ARGV[4] daily hash
 * expires at (ms), ARGV[5] monthly hash expires at, ARGV[6] how long the settled mark is kept.
 * Returns 1 when charged, 0 when this id was already settled.
 */
export const SETTLE_SCRIPT = `${NOW_FROM_ARGV1}${OPEN_RESERVATIONS}
openReserved(KEYS[3])
local existing = redis.call('HGET', KEYS[3], ARGV[2])
if existing and string.sub(existing, 1, 2) == 's:' then return 0 end
local used = tonumber(ARGV[3])
if used > 0 then
  redis.call('HINCRBY', KEYS[1], 'used', used)
  redis.call('PEXPIREAT', KEYS[1], ARGV[4])
  redis.call('HINCRBY', KEYS[2], 'used', used)
  redis.call('PEXPIREAT', KEYS[2], ARGV[5])
end
local keep = now + tonumber(ARGV[6])
redis.call('HSET', KEYS[3], ARGV[2], 's:' .. string.format('%.0f', keep))
keepUntil(KEYS[3], keep)
return 1
`;

/**
 * KEYS as above. ARGV[1] now. Returns { daily used, monthly used, reserved }.
 */
export const REPORT_SCRIPT = `${NOW_FROM_ARGV1}${OPEN_RESERVATIONS}
local reserved = openReserved(KEYS[3])
local dayUsed = tonumber(redis.call('HGET', KEYS[1], 'used')) or 0
local monthUsed = tonumber(redis.call('HGET', KEYS[2], 'used')) or 0
return { dayUsed, monthUsed, reserved }
`;
