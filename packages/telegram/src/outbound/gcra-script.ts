/**
 * Reserves one send slot against every limit that applies to a chat, atomically, so that any
 * number of pods sharing Redis schedule their sends as one client would.
 *
 * Per chat and per group: GCRA (generic cell rate algorithm). Each limit keeps one number, the
 * theoretical arrival time (TAT) of the next send. A limit of one send per `interval` ms with a
 * burst of `b` allows a send at `t` when `t >= TAT - tolerance` (tolerance = (b - 1) * interval);
 * the send moves TAT to `max(TAT, t) + interval`. The script computes the earliest `t` that the
 * pauses and these limits allow and books it: the caller sleeps until `t`. Booking a chat's TAT in
 * the future only holds back that chat's later messages, which must come after it anyway.
 *
 * Bot-wide: a calendar of short slots (a hash slot index → sends booked), each holding at most
 * `capacity` sends. A GCRA would not do here: booking a send that a chat limit delays by 2 s would
 * move the single bot-wide TAT 2 s ahead and stall every other chat meanwhile. The calendar books
 * the first slot with room at or after `t`, leaving earlier slots to other chats, and a send never
 * leaves its slot, so no second holds more than about `capacity` sends per slot it overlaps.
 *
 * When the wait exceeds the caller's maximum nothing is booked: a caller that gives up does not
 * push the schedule further out for everyone else (otherwise every refused retry would add an
 * interval and a busy chat could never catch up).
 *
 * Memory stays bounded: GCRA keys expire once their TAT has passed (a TAT in the past means the
 * same as no key); calendar slots that have passed are deleted (at most 100 per call, field `lo`
 * remembers where to continue) and the whole calendar expires after its last booked slot.
 *
 * Cost per send (every command inside counts in Redis' statistics): TIME, one MGET of the pauses
 * and limit states, one HMGET of the calendar, HINCRBY, one SET per limit; a PTTL only for a
 * pause in force, a PTTL (and PEXPIRE) only when a send opens a slot, and one HDEL + HSET when
 * slots have passed (about ten times a second on a busy bot).
 *
 * KEYS[1] global pause, KEYS[2] global calendar,
 * KEYS[3] chat pause, KEYS[4] chat GCRA state (both optional: no chat id),
 * KEYS[5] group GCRA state (optional: only for groups, supergroups and channels).
 * ARGV[1] now in ms, or '' to use Redis TIME (one clock for every pod);
 * ARGV[2] longest acceptable wait in ms, or '' for no maximum;
 * ARGV[3] slot length in ms, ARGV[4] sends per slot, ARGV[5] how far past the chat's earliest
 * time to look for a free slot when there is no maximum wait;
 * ARGV[6..7] chat interval and tolerance in ms, ARGV[8..9] group.
 * Returns { wait in ms (rounded up), 1 if booked else 0 }.
 */
export const RESERVE_SCRIPT = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local maxWait = tonumber(ARGV[2])
local slotMs = tonumber(ARGV[3])
local capacity = tonumber(ARGV[4])

-- 1. The earliest time this chat allows: pauses, then its GCRA limits. One MGET reads the
-- pauses and the limits' states together (all keys share the bot's hash tag); a pause key
-- exists only while its pause lasts, so only a present one costs a PTTL.
local names = { KEYS[1] }
for i = 3, #KEYS do names[#names + 1] = KEYS[i] end
local values = redis.call('MGET', unpack(names))
local at = now
local function afterPause(key, value)
  if not value then return now end
  local ttl = redis.call('PTTL', key)
  if ttl > 0 then return now + ttl end
  return now
end
at = math.max(at, afterPause(KEYS[1], values[1]))
if #KEYS >= 3 then at = math.max(at, afterPause(KEYS[3], values[2])) end

-- { state key index, index of its interval in ARGV (tolerance follows), index in values }
local limits = {}
if #KEYS >= 4 then table.insert(limits, { 4, 6, 3 }) end
if #KEYS >= 5 then table.insert(limits, { 5, 8, 4 }) end
local tats = {}
for i, limit in ipairs(limits) do
  local tat = tonumber(values[limit[3]]) or now
  tats[i] = tat
  at = math.max(at, tat - tonumber(ARGV[limit[2] + 1]))
end

local limitMs = maxWait or (at - now + tonumber(ARGV[5]))
if at - now > limitMs then
  return { math.ceil(at - now), 0 }
end

-- 2. The first bot-wide slot with room at or after that time. The cleanup cursor and the
-- first candidate slot come in one HMGET; passed slots go in one HDEL.
local calendar = KEYS[2]
local function field(slot) return string.format('%.0f', slot) end
local current = math.floor(now / slotMs)
local slot = math.floor(at / slotMs)
local head = redis.call('HMGET', calendar, 'lo', field(slot))
local lo = tonumber(head[1])
local used = tonumber(head[2]) or 0
if lo and lo < current then
  local stop = math.min(current - 1, lo + 99)
  local passed = {}
  for s = lo, stop do passed[#passed + 1] = field(s) end
  redis.call('HDEL', calendar, unpack(passed))
  redis.call('HSET', calendar, 'lo', field(stop + 1))
end
while used >= capacity do
  slot = slot + 1
  if slot * slotMs - now > limitMs then
    return { math.ceil(slot * slotMs - now), 0 }
  end
  used = tonumber(redis.call('HGET', calendar, field(slot))) or 0
end
local sendAt = math.max(at, slot * slotMs)

-- 3. Book it everywhere.
local booked = redis.call('HINCRBY', calendar, field(slot), 1)
if not lo then redis.call('HSET', calendar, 'lo', field(current)) end
-- The calendar must outlive its last booked slot. Only the first booking of a slot can push
-- that end further out (later bookings of the slot end at the same time), so the expiry is
-- looked at once per slot, not once per send.
if booked == 1 then
  local keep = math.ceil((slot + 1) * slotMs - now) + 1000
  if redis.call('PTTL', calendar) < keep then redis.call('PEXPIRE', calendar, keep) end
end
for i, limit in ipairs(limits) do
  local nextTat = math.max(tats[i], sendAt) + tonumber(ARGV[limit[2]])
  -- '%.3f': tostring() would print large numbers in exponent notation with fewer digits.
  -- The extra second covers a caller-supplied 'now' slightly behind Redis' clock.
  redis.call('SET', KEYS[limit[1]], string.format('%.3f', nextTat),
    'PX', math.ceil(nextTat - now) + 1000)
end
return { math.ceil(sendAt - now), 1 }
`;

/**
 * Records a 429: pauses the chat for every pod, and the whole bot when 429s hit several different
 * chats within a short window (the bot as a whole is over Telegram's limit, not one chat).
 * A pause is only ever extended, never shortened, by a later 429 with a smaller `retry_after`.
 *
 * KEYS[1] global pause, KEYS[2] sorted set chat → time of its last 429,
 * KEYS[3] chat pause (optional: without a chat the 429 pauses the bot).
 * ARGV[1] pause in ms, ARGV[2] chat id, ARGV[3] distinct chats that make a flood,
 * ARGV[4] flood window in ms. Returns 1 when the bot was paused, else 0.
 */
export const PAUSE_SCRIPT = `
local ms = tonumber(ARGV[1])
local function extend(key)
  if redis.call('PTTL', key) < ms then redis.call('SET', key, '1', 'PX', ms) end
end
if #KEYS < 3 then
  extend(KEYS[1])
  return 1
end
extend(KEYS[3])

local window = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[2], now, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
redis.call('PEXPIRE', KEYS[2], window)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then
  extend(KEYS[1])
  return 1
end
return 0
`;
