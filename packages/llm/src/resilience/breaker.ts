import type { Redis } from 'ioredis';
import type { BackendKeys } from './keys';

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
// atomically, so two pods can never both win the trial.
// PTTL is -2 for a missing key, so a missing pause or open key never wins a comparison.
const ADMIT_SCRIPT = `
local paused = redis.call('PTTL', KEYS[1])
local open = redis.call('PTTL', KEYS[2])
if open > 0 then return {'open', math.max(open, paused)} end
if paused > 0 then return {'paused', paused} end
if redis.call('EXISTS', KEYS[3]) == 1 then
  if redis.call('SET', KEYS[4], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'trial', 0} end
  return {'trial_busy', math.max(redis.call('PTTL', KEYS[4]), 1)}
end
return {'closed', 0}`;

// Redis time, not the pods' clocks, orders the window, so clock skew between pods cannot
// stretch or shrink it. While the circuit is tripped only the trial holder's failure matters:
// other failures come from calls that started before it opened and say nothing new.
// The circuit opens on a failure rate, not a count: with at least `failureThreshold` failures
// (ARGV[3]) and `minimumRequests` calls (ARGV[7]) in the window, when failures make up at least
// `failureRatio` (ARGV[8]) of those calls. Only a failure can push the rate up, so only this
// script decides; the successes are read (and trimmed) once the failure floor is reached.
const FAILURE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
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
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', since)
local failures = redis.call('ZCARD', KEYS[1])
if failures >= tonumber(ARGV[3]) then
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', since)
  local calls = failures + redis.call('ZCARD', KEYS[5])
  if calls >= tonumber(ARGV[7]) and failures / calls >= tonumber(ARGV[8]) then
    redis.call('DEL', KEYS[1], KEYS[5])
    redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
    redis.call('SET', KEYS[3], '1', 'PX', ARGV[5])
    return 'opened'
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 'counted'`;

// Only the holder of the trial lock may close the circuit: a success from a call that started
// before the circuit opened does not prove the backend recovered, and is not counted either.
// While closed, the success joins the window so that the failure rate has its denominator.
// Cost: one round trip per successful call (ZADD, ZREMRANGEBYSCORE, PEXPIRE on one sorted set,
// O(log n) for n successes in the window). Memory: one member per success in the window, about
// 100 bytes each, e.g. ~300 KB per backend at 100 answers/s with the default 30 s window.
const SUCCESS_SCRIPT = `
if ARGV[2] ~= '' and redis.call('GET', KEYS[4]) == ARGV[2] then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
  return 'closed'
end
if redis.call('EXISTS', KEYS[3]) == 1 then return 'ignored' end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[5], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[5], ARGV[3])
return 'counted'`;

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

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
  const reply = await redis.eval(ADMIT_SCRIPT, 4, ...keyList(keys), trialToken, String(settings.trialLockMs));
  const [verdict, remaining] = Array.isArray(reply) ? reply : [];
  if (verdict === 'closed' || verdict === 'trial') return { verdict };
  if (verdict === 'paused' || verdict === 'open' || verdict === 'trial_busy') {
    return { verdict, remainingMs: Number(remaining) };
  }
  throw new Error(`unexpected admission reply from Redis: ${JSON.stringify(reply)}`);
}

/**
 * Counts a failure (timeout, 5xx, connection error, misconfiguration). `opened` and `reopened`
 * mean this call moved the circuit to open.
 */
export async function recordFailure(
  redis: Redis,
  keys: BackendKeys,
  member: string,
  trialToken: string | undefined,
  settings: BreakerSettings,
): Promise<'counted' | 'opened' | 'reopened' | 'ignored'> {
  const reply = await redis.eval(
    FAILURE_SCRIPT,
    5,
    ...breakerKeys(keys),
    member,
    String(settings.windowMs),
    String(settings.failureThreshold),
    String(settings.openMs),
    String(settings.trippedMs),
    trialToken ?? '',
    String(settings.minimumRequests),
    String(settings.failureRatio),
  );
  if (reply === 'counted' || reply === 'opened' || reply === 'reopened' || reply === 'ignored') return reply;
  throw new Error(`unexpected failure reply from Redis: ${JSON.stringify(reply)}`);
}

/**
 * Records a successful call. `closed` means this call was the half-open trial and closed the
 * circuit; `counted` that it joined the window of a closed circuit; `ignored` that the circuit
 * is tripped and this call was not its trial (or its trial lock had expired).
 */
export async function recordSuccess(
  redis: Redis,
  keys: BackendKeys,
  member: string,
  trialToken: string | undefined,
  settings: BreakerSettings,
): Promise<'closed' | 'counted' | 'ignored'> {
  const reply = await redis.eval(
    SUCCESS_SCRIPT,
    5,
    ...breakerKeys(keys),
    member,
    trialToken ?? '',
    String(settings.windowMs),
  );
  if (reply === 'closed' || reply === 'counted' || reply === 'ignored') return reply;
  throw new Error(`unexpected success reply from Redis: ${JSON.stringify(reply)}`);
}

/**
 * Gives the trial back without a verdict (the trial got a 429 or a bad-request error, which say
 * nothing about the backend's health), so the next caller may try.
 */
export async function releaseTrial(redis: Redis, keys: BackendKeys, trialToken: string): Promise<void> {
  await redis.eval(RELEASE_SCRIPT, 1, keys.trial, trialToken);
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
