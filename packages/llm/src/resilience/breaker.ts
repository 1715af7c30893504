import type { Redis } from 'ioredis';
import type { BackendKeys } from './keys';
import { luaScript } from './lua';

export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * What a caller may do with a backend right now:
 * - `closed`: call it.
 * - `trial`: call it; this caller holds the one half-open trial and its outcome decides.
 * - `paused`, `open`, `trial_busy`: skip it for `remainingMs` (the pause, the open period, or the
 *   trial lock of another caller).
 */
export type Admission =
  | { verdict: 'closed' }
  | { verdict: 'trial' }
  | { verdict: 'paused' | 'open' | 'trial_busy'; remainingMs: number };

// One round trip per backend per request: pause, open circuit and half-open trial are decided
// atomically, so two pods can never both win the trial. The common case (no pause, circuit
// closed: none of the three keys exists) costs one MGET; only a key that exists costs more.
// PTTL is -2 for a missing key, so a missing pause or open key never wins a comparison.
const ADMIT_SCRIPT = luaScript(`
local present = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3])
if not present[1] and not present[2] and not present[3] then return {'closed', 0} end
local paused = redis.call('PTTL', KEYS[1])
local open = redis.call('PTTL', KEYS[2])
if open > 0 then return {'open', math.max(open, paused)} end
if paused > 0 then return {'paused', paused} end
if redis.call('EXISTS', KEYS[3]) == 1 then
  if redis.call('SET', KEYS[4], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'trial', 0} end
  return {'trial_busy', math.max(redis.call('PTTL', KEYS[4]), 1)}
end
return {'closed', 0}`);

// Successes reach the window in batches (see recordSuccess): a member `w<n>:<token>` stands for n
// successes, scored at the time of the first of them. Members without the prefix (written by
// earlier versions) count one.
const SUCCESS_HELPERS = `
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function addSuccesses(key, count, ageMs, token, now, windowMs)
  if count <= 0 then return end
  redis.call('ZADD', key, now - ageMs, 'w' .. count .. ':' .. token)
  redis.call('PEXPIRE', key, windowMs)
end
local function countSuccesses(key)
  local n = 0
  for _, member in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    n = n + (tonumber(string.match(member, '^w(%d+):')) or 1)
  end
  return n
end
`;

// Redis time, not the pods' clocks, orders the window, so clock skew between pods cannot
// stretch or shrink it. While the circuit is tripped only the trial holder's failure matters:
// other failures come from calls that started before it opened and say nothing new.
// The circuit opens on a failure rate, not a count: with at least `failureThreshold` failures
// (ARGV[3]) and `minimumRequests` calls (ARGV[7]) in the window, when failures make up at least
// `failureRatio` (ARGV[8]) of those calls. Only a failure can push the rate up, so only this
// script decides; the successes are read (and trimmed) once the failure floor is reached.
// The caller's own successes not yet in the window (ARGV[9] of them, the first ARGV[10] ms ago)
// are added first, so that its judgement misses none of its own.
const FAILURE_SCRIPT = luaScript(`${SUCCESS_HELPERS}
local now = nowMs()
if redis.call('EXISTS', KEYS[3]) == 1 then
  if ARGV[6] ~= '' and redis.call('GET', KEYS[4]) == ARGV[6] then
    redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
    redis.call('SET', KEYS[3], '1', 'PX', ARGV[5])
    redis.call('DEL', KEYS[4])
    return 'reopened'
  end
  return 'ignored'
end
local since = now - tonumber(ARGV[2])
addSuccesses(KEYS[5], tonumber(ARGV[9]) or 0, tonumber(ARGV[10]) or 0, ARGV[1], now, ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', since)
local failures = redis.call('ZCARD', KEYS[1])
if failures >= tonumber(ARGV[3]) then
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', since)
  local calls = failures + countSuccesses(KEYS[5])
  if calls >= tonumber(ARGV[7]) and failures / calls >= tonumber(ARGV[8]) then
    redis.call('DEL', KEYS[1], KEYS[5])
    redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
    redis.call('SET', KEYS[3], '1', 'PX', ARGV[5])
    return 'opened'
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 'counted'`);

// Only the holder of the trial lock may close the circuit: a success from a call that started
// before the circuit opened does not prove the backend recovered, and is not counted either.
// While closed, a batch of successes joins the window so that the failure rate has its
// denominator: one member for ARGV[4] successes, the first ARGV[5] ms ago. Cost per batch: TIME,
// EXISTS, ZADD, ZREMRANGEBYSCORE, PEXPIRE; memory: one member (about 50 bytes) per batch.
const SUCCESS_SCRIPT = luaScript(`${SUCCESS_HELPERS}
if ARGV[2] ~= '' and redis.call('GET', KEYS[4]) == ARGV[2] then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
  return 'closed'
end
if redis.call('EXISTS', KEYS[3]) == 1 then return 'ignored' end
local now = nowMs()
addSuccesses(KEYS[5], tonumber(ARGV[4]) or 1, tonumber(ARGV[5]) or 0, ARGV[1], now, ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - tonumber(ARGV[3]))
return 'counted'`);

const RELEASE_SCRIPT = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

export interface BreakerSettings {
  /** Fewest failures in the window that may open the circuit. */
  failureThreshold: number;
  /** Share of the window's calls (0..1] that must have failed to open the circuit. */
  failureRatio: number;
  /** Fewest calls (successes plus failures) in the window that may open the circuit. */
  minimumRequests: number;
  windowMs: number;
  openMs: number;
  /** Lifetime of the trial lock: longer than the trial call can take. */
  trialLockMs: number;
  /**
   * How long a tripped circuit is remembered after opening. If nobody tries the backend for
   * that long, the circuit is forgotten (closed): a backend still broken reopens once the
   * window holds enough failures again. Bounds the lifetime of keys of removed backends.
   */
  trippedMs: number;
}

const keyList = (k: BackendKeys) => [k.pause, k.open, k.tripped, k.trial];
const breakerKeys = (k: BackendKeys) => [k.failures, k.open, k.tripped, k.trial, k.successes];

/** Decides whether this caller may call the backend now (see {@link Admission}). */
export async function admit(
  redis: Redis,
  keys: BackendKeys,
  trialToken: string,
  settings: BreakerSettings,
): Promise<Admission> {
  const reply = await ADMIT_SCRIPT(redis, keyList(keys), [trialToken, String(settings.trialLockMs)]);
  const [verdict, remaining] = Array.isArray(reply) ? reply : [];
  if (verdict === 'closed' || verdict === 'trial') return { verdict };
  if (verdict === 'paused' || verdict === 'open' || verdict === 'trial_busy') {
    return { verdict, remainingMs: Number(remaining) };
  }
  throw new Error(`unexpected admission reply from Redis: ${JSON.stringify(reply)}`);
}

/**
 * Successes of this process not yet in the shared window: `count` of them, the first `ageMs` ago.
 */
export interface SuccessBatch {
  count: number;
  ageMs: number;
}

const NO_SUCCESSES: SuccessBatch = { count: 0, ageMs: 0 };

/**
 * Counts a failure (timeout, 5xx, connection error, misconfiguration), after adding this
 * process's `pending` successes to the window. `opened` and `reopened` mean this call moved the
 * circuit to open.
 */
export async function recordFailure(
  redis: Redis,
  keys: BackendKeys,
  member: string,
  trialToken: string | undefined,
  settings: BreakerSettings,
  pending: SuccessBatch = NO_SUCCESSES,
): Promise<'counted' | 'opened' | 'reopened' | 'ignored'> {
  const reply = await FAILURE_SCRIPT(redis, breakerKeys(keys), [
    member,
    String(settings.windowMs),
    String(settings.failureThreshold),
    String(settings.openMs),
    String(settings.trippedMs),
    trialToken ?? '',
    String(settings.minimumRequests),
    String(settings.failureRatio),
    String(pending.count),
    String(Math.max(0, Math.round(pending.ageMs))),
  ]);
  if (reply === 'counted' || reply === 'opened' || reply === 'reopened' || reply === 'ignored') return reply;
  throw new Error(`unexpected failure reply from Redis: ${JSON.stringify(reply)}`);
}

/**
 * Records successful calls: the half-open trial's (`trialToken`), or a batch of `batch.count`
 * successes of a closed circuit, the first of them `batch.ageMs` ago. `closed` means this call
 * was the trial and closed the circuit; `counted` that the batch joined the window of a closed
 * circuit; `ignored` that the circuit is tripped and this was not its trial (or its trial lock
 * had expired).
 */
export async function recordSuccess(
  redis: Redis,
  keys: BackendKeys,
  member: string,
  trialToken: string | undefined,
  settings: BreakerSettings,
  batch: SuccessBatch = { count: 1, ageMs: 0 },
): Promise<'closed' | 'counted' | 'ignored'> {
  const reply = await SUCCESS_SCRIPT(redis, breakerKeys(keys), [
    member,
    trialToken ?? '',
    String(settings.windowMs),
    String(batch.count),
    String(Math.max(0, Math.round(batch.ageMs))),
  ]);
  if (reply === 'closed' || reply === 'counted' || reply === 'ignored') return reply;
  throw new Error(`unexpected success reply from Redis: ${JSON.stringify(reply)}`);
}

/**
 * Gives the trial back without a verdict (the trial got a 429 or a bad-request error, which say
 * nothing about the backend's health), so the next caller may try.
 */
export async function releaseTrial(redis: Redis, keys: BackendKeys, trialToken: string): Promise<void> {
  await RELEASE_SCRIPT(redis, [keys.trial], [trialToken]);
}

/** Reads the shared state of several backends in one round trip. */
export async function readStates(
  redis: Redis,
  all: BackendKeys[],
): Promise<Array<{ pausedMs: number; breaker: BreakerState }>> {
  const pipeline = redis.pipeline();
  for (const keys of all) pipeline.pttl(keys.pause).pttl(keys.open).exists(keys.tripped);
  const replies = (await pipeline.exec()) ?? [];
  return all.map((_, i) => {
    const value = (j: number) => {
      const [err, result] = replies[i * 3 + j] ?? [new Error('missing pipeline reply'), null];
      if (err) throw err;
      return Number(result);
    };
    const [paused, open, tripped] = [value(0), value(1), value(2)];
    const breaker: BreakerState = open > 0 ? 'open' : tripped === 1 ? 'half_open' : 'closed';
    return { pausedMs: Math.max(paused, 0), breaker };
  });
}
