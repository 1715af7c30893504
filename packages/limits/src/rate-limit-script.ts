import { NOW_FROM_ARGV1 } from './redis-script';

/**
 * Per-user GCRA (generic cell rate algorithm) in one script, so every pod shares one count.
 *
 * One number per user: the theoretical arrival time (TAT) of the next message. With one message
 * per `interval` ms and a burst of `b`, a message at `now` is allowed when
 * `now >= TAT - tolerance` (tolerance = (b - 1) * interval) and moves TAT to
 * `max(TAT, now) + interval`. A refused message changes nothing, so a user who keeps sending
 * while limited is not pushed further out.
 *
 * "Tell once": a refusal also tries `SET notice NX` for `max(retry, noticeMs)`; only the refusal
 * that creates the flag reports `first = 1`. The flag is not cleared by the next allowed message,
 * so a user hovering at the limit is told at most once per `noticeMs`.
 *
 * KEYS[1] TAT, KEYS[2] notice flag.
 * ARGV[1] now in ms ('' = Redis TIME), ARGV[2] interval ms, ARGV[3] tolerance ms, ARGV[4] noticeMs.
 * Returns { allowed 1/0, retry ms (0 when allowed), remaining messages allowed at once, first 1/0 }.
 */
export const RATE_LIMIT_SCRIPT = `${NOW_FROM_ARGV1}
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local allowAt = tat - tolerance
if now < allowAt then
  local retry = math.ceil(allowAt - now)
  local first = 0
  local noticeMs = math.max(retry, tonumber(ARGV[4]))
  if redis.call('SET', KEYS[2], '1', 'NX', 'PX', noticeMs) then first = 1 end
  return { 0, retry, 0, first }
end
local nextTat = tat + interval
-- '%.3f': tostring() would print large numbers in exponent notation and lose digits.
redis.call('SET', KEYS[1], string.format('%.3f', nextTat), 'PX', math.ceil(nextTat - now) + 1000)
local remaining = math.floor((now + tolerance - nextTat) / interval) + 1
if remaining < 0 then remaining = 0 end
return { 1, 0, remaining, 0 }
`;
