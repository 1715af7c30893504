import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** How a value travels through Redis from the pod that computed it to the pods that waited. */
export interface SingleFlightCodec<T> {
  encode(value: T): string;
  decode(text: string): T;
}

export interface SingleFlightOptions {
  /** Prefix of every key; all pods that should share calls must use the same one. */
  keyPrefix: string;
  /**
   * How long a caller waits for another pod's result before computing the value itself. A stuck
   * or very slow pod must never hold another user's answer hostage.
   * @defaultValue 30000
   */
  waitTimeoutMs?: number;
  /**
   * How long a published result stays in Redis. Waiters poll at most every 200 ms, so this only
   * has to outlive one poll; it is not a cache (see {@link SingleFlight.run}).
   * @defaultValue 10000
   */
  resultTtlMs?: number;
  /**
   * How long the cross-pod lock lives if its holder never releases it (the pod died). Waiters
   * take over after that.
   * @defaultValue `waitTimeoutMs`
   */
  lockTtlMs?: number;
  /** Called when a Redis command failed; the call then goes on without sharing. */
  onRedisError?: (err: unknown) => void;
}

export interface SingleFlightResult<T> {
  value: T;
  /** True when this caller got a value computed for another caller (in this pod or another). */
  shared: boolean;
}

export interface SingleFlight {
  /**
   * Runs `compute` for `key`, unless an identical call is already in flight in this pod or in
   * another pod that uses the same Redis and prefix: then waits for that call's value.
   *
   * Only calls that overlap are merged. A call that starts after the previous one finished
   * computes again: a finished result is never served to a later request, so this is not a cache.
   *
   * Errors: callers merged in this pod share the computing call's error (they are the same call).
   * Waiters in other pods do not see it: the lock is released and one of them computes instead.
   */
  run<T>(
    key: string,
    compute: () => Promise<T>,
    codec?: SingleFlightCodec<T>,
  ): Promise<SingleFlightResult<T>>;
}

/** Redis keys of one single-flight key. The hash is a hash tag, so both share a Cluster slot. */
export interface SingleFlightKeys {
  /** SET NX PX by the pod that computes; value: a random token naming that attempt. */
  lock: string;
  /** `<token><encoded value>`, PX `resultTtlMs`, written by the winner as it releases the lock. */
  result: string;
}

export function singleFlightKeys(keyPrefix: string, key: string): SingleFlightKeys {
  // Hashing bounds the key length and keeps user text (prompts) out of Redis key names.
  const hash = createHash('sha256').update(key).digest('hex');
  const base = `${keyPrefix}:sf:{${hash}}`;
  return { lock: `${base}:lock`, result: `${base}:result` };
}

const JSON_CODEC: SingleFlightCodec<unknown> = {
  encode: (value) => JSON.stringify(value) ?? 'null',
  decode: (text) => JSON.parse(text),
};

const TOKEN_BYTES = 16;
const TOKEN_LENGTH = TOKEN_BYTES * 2;
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 200;

// One round trip per poll. The result carries the token of the attempt that produced it, so a
// waiter only accepts the result of the attempt it waited for, never an older one still in its
// TTL. With no result and no holder (the winner failed or died), the caller takes the lock.
const POLL_SCRIPT = `
local waited = ARGV[1]
if waited ~= '' then
  local r = redis.call('GET', KEYS[2])
  if r and string.sub(r, 1, ${TOKEN_LENGTH}) == waited then
    return {'result', string.sub(r, ${TOKEN_LENGTH + 1})}
  end
end
local holder = redis.call('GET', KEYS[1])
if holder then return {'wait', holder} end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return {'won', ARGV[2]}`;

// Publishing and releasing in one step: a waiter never sees the lock gone without the result.
// A winner whose lock expired and was taken over publishes nothing (the new holder will).
const PUBLISH_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[1] .. ARGV[2], 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return 1
end
return 0`;

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Merges identical concurrent requests (e.g. the same context-free prompt sent by many users at
 * once) into one computation, within a pod and across pods.
 *
 * In a pod, a Map of promises merges callers for free. Across pods, `SET lock NX PX` elects one
 * winner; the others poll Redis for its result.
 *
 * Why polling and not pub/sub: pub/sub needs a dedicated subscriber connection per pod and a
 * check after subscribing (a PUBLISH sent before the SUBSCRIBE is lost), and in Redis Cluster
 * every PUBLISH is broadcast to all nodes. Polling costs one small script call per waiting pod
 * and key (the in-pod merge means one poller per pod, not per caller), backing off from 10 ms to
 * 200 ms: at most ~200 ms added to an LLM call that takes seconds.
 *
 * If Redis fails, callers compute on their own: sharing saves cost, it must not cost answers.
 */
export function createSingleFlight(redis: Redis, options: SingleFlightOptions): SingleFlight {
  const waitTimeoutMs = options.waitTimeoutMs ?? 30_000;
  const resultTtlMs = options.resultTtlMs ?? 10_000;
  const lockTtlMs = options.lockTtlMs ?? waitTimeoutMs;
  for (const [name, value] of Object.entries({ waitTimeoutMs, resultTtlMs, lockTtlMs })) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
  }
  const inPod = new Map<string, Promise<SingleFlightResult<unknown>>>();
  const reportRedisError = (err: unknown) => options.onRedisError?.(err);

  async function acrossPods<T>(
    key: string,
    compute: () => Promise<T>,
    codec: SingleFlightCodec<T>,
  ): Promise<SingleFlightResult<T>> {
    const keys = singleFlightKeys(options.keyPrefix, key);
    const deadline = Date.now() + waitTimeoutMs;
    const myToken = randomBytes(TOKEN_BYTES).toString('hex');
    let waited = '';
    let pollMs = FIRST_POLL_MS;
    for (;;) {
      let reply: [string, string];
      try {
        reply = (await redis.eval(
          POLL_SCRIPT,
          2,
          keys.lock,
          keys.result,
          waited,
          myToken,
          String(lockTtlMs),
        )) as [string, string];
      } catch (err) {
        reportRedisError(err);
        return { value: await compute(), shared: false };
      }
      const [state, payload] = reply;
      if (state === 'result') {
        try {
          return { value: codec.decode(payload), shared: true };
        } catch {
          // A result this process cannot read (e.g. written by another version): compute.
          return { value: await compute(), shared: false };
        }
      }
      if (state === 'won')
        return { value: await computeAndPublish(keys, myToken, compute, codec), shared: false };
      if (payload !== waited) {
        // A new attempt (the previous winner failed or its lock expired): wait for that one.
        waited = payload;
        pollMs = FIRST_POLL_MS;
      }
      const left = deadline - Date.now();
      if (left <= 0) return { value: await compute(), shared: false };
      await sleep(Math.min(pollMs, left));
      pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
    }
  }

  async function computeAndPublish<T>(
    keys: SingleFlightKeys,
    token: string,
    compute: () => Promise<T>,
    codec: SingleFlightCodec<T>,
  ): Promise<T> {
    let value: T;
    try {
      value = await compute();
    } catch (err) {
      // Hand the lock back so that one waiter computes instead of all of them timing out.
      await redis.eval(RELEASE_SCRIPT, 1, keys.lock, token).catch(reportRedisError);
      throw err;
    }
    try {
      const encoded = codec.encode(value);
      await redis.eval(PUBLISH_SCRIPT, 2, keys.lock, keys.result, token, encoded, String(resultTtlMs));
    } catch (err) {
      // Our caller still gets its value; waiters take over once the lock is gone or expired.
      reportRedisError(err);
      await redis.eval(RELEASE_SCRIPT, 1, keys.lock, token).catch(reportRedisError);
    }
    return value;
  }

  return {
    run<T>(key: string, compute: () => Promise<T>, codec?: SingleFlightCodec<T>) {
      const running = inPod.get(key) as Promise<SingleFlightResult<T>> | undefined;
      if (running) return running.then(({ value }) => ({ value, shared: true }));
      const started = acrossPods(key, compute, codec ?? (JSON_CODEC as SingleFlightCodec<T>)).finally(() =>
        inPod.delete(key),
      );
      inPod.set(key, started);
      return started;
    },
  };
}
