import { NOW_FROM_ARGV1 } from './redis-script';

/**
 * The provider's limits, requests per minute and tokens per minute, shared by every pod.
 *
 * Both are GCRA with a weight: a call costing `c` units of a limit refilling one unit per `T` ms
 * with capacity `B` may start at `t` when `t >= TAT + c*T - B*T`, and moves TAT to
 * `max(TAT, t) + c*T` (requests: c = 1; tokens: c = the call's estimate). This is the
 * continuously refilling bucket providers describe, never more than `B` at once.
 *
 * The script finds the earliest `t` both limits allow. When the wait is within the caller's
 * maximum it books that time (the caller sleeps until then); otherwise it books nothing, so a
 * caller that gives up does not push the schedule out for everyone else.
 *
 * KEYS[1] requests TAT, KEYS[2] tokens TAT.
 * ARGV[1] now ('' = Redis TIME), ARGV[2] longest wait ms ('' = none),
 * ARGV[3..4] request interval and capacity, ARGV[5..6] ms per token and token capacity,
 * ARGV[7] the call's tokens. Returns { wait ms, booked 1/0 }.
 */
export const ACQUIRE_SCRIPT = `${NOW_FROM_ARGV1}
local maxWait = tonumber(ARGV[2])
local limits = {
  { KEYS[1], tonumber(ARGV[3]), tonumber(ARGV[4]), 1 },
  { KEYS[2], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]) },
}
local at = now
local tats = {}
for i, l in ipairs(limits) do
  local tat = tonumber(redis.call('GET', l[1])) or now
  if tat < now then tat = now end
  tats[i] = tat
  local earliest = tat + (l[4] - l[3]) * l[2]
  if earliest > at then at = earliest end
end
local wait = math.ceil(at - now)
if maxWait and wait > maxWait then return { wait, 0 } end
for i, l in ipairs(limits) do
  local nextTat = math.max(tats[i], at) + l[4] * l[2]
  redis.call('SET', l[1], string.format('%.3f', nextTat), 'PX', math.ceil(nextTat - now) + 1000)
end
return { wait, 1 }
`;

/**
 * Corrects the token limit once the real usage is known: moves its TAT by `delta * T` (negative
 * gives unused tokens back, never to before now).
 * KEYS[1] tokens TAT. ARGV[1] now, ARGV[2] ms per token, ARGV[3] delta tokens.
 */
export const ADJUST_SCRIPT = `${NOW_FROM_ARGV1}
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local nextTat = tat + tonumber(ARGV[3]) * tonumber(ARGV[2])
if nextTat <= now then
  redis.call('DEL', KEYS[1])
  return 0
end
redis.call('SET', KEYS[1], string.format('%.3f', nextTat), 'PX', math.ceil(nextTat - now) + 1000)
return 1
`;
