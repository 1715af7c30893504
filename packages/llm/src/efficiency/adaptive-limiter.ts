export interface AdaptiveLimiterOptions {
  /** Names the limiter (e.g. the backend) in errors. */
  name: string;
  /**
   * Concurrency allowed before anything has been measured.
   * @defaultValue 8
   */
  initial?: number;
  /**
   * The limit never goes below this.
   * @defaultValue 1
   */
  min?: number;
  /**
   * The limit never goes above this.
   * @defaultValue 256
   */
  max?: number;
  /**
   * Callers allowed to wait for a slot; one more is rejected with {@link LimiterQueueFullError}.
   * @defaultValue 10000
   */
  maxQueue?: number;
  /**
   * A call slower than `baseline × tolerance` counts as a sign of overload, where the baseline
   * is the no-load latency: the fastest call of the last one to two `baselineWindowMs`.
   *
   * A continuous-batching server answers about as fast with a full batch as with one request;
   * past its capacity requests queue there and wait a whole extra turn. 1.5 notices that queue;
   * 2 would let it grow as long as the batch itself before reacting.
   * @defaultValue 1.5
   */
  tolerance?: number;
  /**
   * The baseline is the minimum latency of the current and the previous window of this length,
   * so a backend that became slower for good (another model, another GPU) is re-learnt within
   * two windows, while a queue building up under load does not raise the baseline.
   * @defaultValue 30000
   */
  baselineWindowMs?: number;
  /**
   * Factor applied to the limit on overload.
   * @defaultValue 0.7
   */
  decreaseFactor?: number;
  /** Called whenever the limit, the in-flight count or the queue changes, for metrics. */
  observe?: (limit: number, inFlight: number, queued: number) => void;
}

export interface AdaptiveRunOptions<T = unknown> {
  /**
   * Whether an error means the backend is overloaded (a 429, a 503 "overloaded"): the limit is
   * then cut. Other errors leave it as it is. Without it, no error cuts the limit.
   */
  isOverload?: (err: unknown) => boolean;
  /**
   * The latency to judge the call by, from its value and its elapsed time. LLM answers vary in
   * length, so a long answer is not a sign of overload: pass e.g. the time to the first token of
   * a stream, or the elapsed time per completion token. Return undefined to not judge the call.
   * @defaultValue the elapsed time in ms
   */
  latencyMs?: (value: T, elapsedMs: number) => number | undefined;
}

export interface AdaptiveLimiter {
  /** Runs `fn` once a slot is free (callers are served first come, first served). */
  run<T>(fn: () => Promise<T>, options?: AdaptiveRunOptions<T>): Promise<T>;
  /** The current concurrency limit (an integer). */
  limit(): number;
  inFlight(): number;
  queued(): number;
}

/** The limiter's queue was full: the backend is far behind, shed the load instead of piling on. */
export class LimiterQueueFullError extends Error {
  override readonly name = 'LimiterQueueFullError';
  constructor(
    readonly limiter: string,
    readonly maxQueue: number,
  ) {
    super(`adaptive limiter ${limiter}: ${maxQueue} callers are already waiting for a slot`);
  }
}

interface Waiter {
  start: () => void;
}

/**
 * AIMD concurrency limit for one backend in one pod.
 *
 * Why: a continuous-batching server (vLLM, TGI…) is most efficient when its batch is full, but
 * beyond its capacity extra requests only queue there, adding latency, or are refused with 429.
 * No fixed number is right for every backend, model and prompt mix, so the limit is learnt the
 * way TCP learns a congestion window:
 *
 * - additive increase: +1 after a window of `limit` successful calls (about one round trip's
 *   worth), mostly sent while the limiter was full, whose average latency stayed under
 *   `baseline × tolerance`;
 * - multiplicative decrease: × `decreaseFactor` on an overload error (the caller classifies) or
 *   when such a window's average latency is above the threshold.
 *
 * Each change starts a "generation": calls sent before it measured the old limit and neither
 * fill the next window nor cut the limit again (a burst of 429s cuts it once, not 20 times).
 *
 * Callers beyond the limit wait here, in FIFO order, rather than in the backend's queue, where
 * they would time out or be refused.
 */
export function createAdaptiveLimiter(options: AdaptiveLimiterOptions): AdaptiveLimiter {
  const min = options.min ?? 1;
  const max = options.max ?? 256;
  const initial = options.initial ?? 8;
  const maxQueue = options.maxQueue ?? 10_000;
  const tolerance = options.tolerance ?? 1.5;
  const baselineWindowMs = options.baselineWindowMs ?? 30_000;
  const decreaseFactor = options.decreaseFactor ?? 0.7;
  if (!Number.isInteger(min) || min < 1) throw new RangeError('min must be an integer ≥ 1');
  if (!Number.isInteger(max) || max < min) throw new RangeError('max must be an integer ≥ min');
  if (!(initial >= min && initial <= max)) throw new RangeError('initial must be between min and max');
  if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError('maxQueue must be an integer ≥ 0');
  if (!(tolerance > 1)) throw new RangeError('tolerance must be > 1');
  if (!(baselineWindowMs > 0)) throw new RangeError('baselineWindowMs must be > 0');
  if (!(decreaseFactor > 0 && decreaseFactor < 1)) throw new RangeError('decreaseFactor must be in (0, 1)');

  // Kept fractional so that repeated ×0.7 and +1 steps compose; admission uses the floor.
  let limit = initial;
  let inFlight = 0;
  // Minimum latency of the previous and of the current baseline window.
  let previousMin = Number.POSITIVE_INFINITY;
  let currentMin = Number.POSITIVE_INFINITY;
  let windowEndsAt = performance.now() + baselineWindowMs;
  let generation = 0;
  // The calls of the current generation judged so far.
  let windowCalls = 0;
  let windowLatencySum = 0;
  let windowSaturated = 0;
  // An array with a moving head: shift() would be O(n) on a queue of 10000.
  let queue: (Waiter | undefined)[] = [];
  let head = 0;

  const currentLimit = () => Math.max(min, Math.floor(limit));
  const queued = () => queue.length - head;
  const report = () => options.observe?.(currentLimit(), inFlight, queued());

  // Starts a new generation: calls sent before a change measured the old limit, not this one.
  function setLimit(next: number): void {
    limit = next;
    generation += 1;
    windowCalls = 0;
    windowLatencySum = 0;
    windowSaturated = 0;
  }

  function decrease(startedInGeneration: number): void {
    if (startedInGeneration === generation) setLimit(Math.max(min, limit * decreaseFactor));
  }

  function baseline(latencyMs: number): number {
    const now = performance.now();
    if (now >= windowEndsAt) {
      // A gap longer than a whole window leaves nothing worth remembering.
      previousMin = now - windowEndsAt < baselineWindowMs ? currentMin : Number.POSITIVE_INFINITY;
      currentMin = Number.POSITIVE_INFINITY;
      windowEndsAt = now + baselineWindowMs;
    }
    currentMin = Math.min(currentMin, latencyMs);
    return Math.min(previousMin, currentMin);
  }

  // Judged per window of `limit` calls, on their average: one slow call (a GC pause, a busy event
  // loop) is noise, a window that is slow on average is a queue building up at the backend.
  function onSuccess(latencyMs: number, startedInGeneration: number, saturated: boolean): void {
    const threshold = baseline(latencyMs) * tolerance;
    if (startedInGeneration !== generation) return;
    windowCalls += 1;
    windowLatencySum += latencyMs;
    if (saturated) windowSaturated += 1;
    if (windowCalls < currentLimit()) return;
    if (windowLatencySum / windowCalls > threshold) setLimit(Math.max(min, limit * decreaseFactor));
    // A limit that was mostly not used says nothing about whether a higher one would be safe.
    else if (windowSaturated * 2 >= windowCalls && limit < max) setLimit(Math.min(max, limit + 1));
    else {
      windowCalls = 0;
      windowLatencySum = 0;
      windowSaturated = 0;
    }
  }

  function admitWaiting(): void {
    while (inFlight < currentLimit() && head < queue.length) {
      const waiter = queue[head];
      queue[head] = undefined;
      head += 1;
      waiter?.start();
    }
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  }

  async function execute<T>(fn: () => Promise<T>, runOptions: AdaptiveRunOptions<T> | undefined): Promise<T> {
    inFlight += 1;
    const startedInGeneration = generation;
    const saturated = inFlight >= currentLimit();
    report();
    const started = performance.now();
    try {
      const value = await fn();
      const elapsed = performance.now() - started;
      const latency = runOptions?.latencyMs ? runOptions.latencyMs(value, elapsed) : elapsed;
      if (latency !== undefined) onSuccess(latency, startedInGeneration, saturated);
      return value;
    } catch (err) {
      if (runOptions?.isOverload?.(err)) decrease(startedInGeneration);
      throw err;
    } finally {
      inFlight -= 1;
      admitWaiting();
      report();
    }
  }

  return {
    run(fn, runOptions) {
      if (inFlight < currentLimit() && queued() === 0) return execute(fn, runOptions);
      if (queued() >= maxQueue) return Promise.reject(new LimiterQueueFullError(options.name, maxQueue));
      return new Promise((resolve, reject) => {
        queue.push({ start: () => execute(fn, runOptions).then(resolve, reject) });
        report();
      });
    },
    limit: currentLimit,
    inFlight: () => inFlight,
    queued,
  };
}
