import { createLatencyBaseline } from './latency-baseline';

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
   * Two windows in a row of calls that took on average more than `tolerance ×` their no-load
   * latency, with the limit in use, mean a queue at the backend: the limit is cut. At or below
   * it the limit may grow.
   *
   * A continuous-batching server answers about as fast with a full batch as with one request;
   * past its capacity every extra request waits for a slot, and latency grows with the excess
   * (at 1.5× the capacity calls take 1.5× as long). Lower values hold the limit closer to the
   * capacity but mistake more noise (a busy host, a slow network) for a queue; raise it for a
   * backend whose own latency grows with its batch while its throughput still does.
   * @defaultValue 1.5
   */
  tolerance?: number;
  /**
   * The no-load latency is the fastest call of about the same size seen in the current and the
   * previous window of this length, so a backend that became slower for good (another model,
   * another GPU) is re-learnt within two windows, while a queue building up under load does not
   * raise it.
   * @defaultValue 60000
   */
  baselineWindowMs?: number;
  /**
   * Factor applied to the limit on an overload error (429, timeout).
   * @defaultValue 0.7
   */
  decreaseFactor?: number;
  /** Called whenever the limit, the in-flight count or the queue changes, for metrics. */
  observe?: (limit: number, inFlight: number, queued: number) => void;
}

export interface AdaptiveRunOptions<T = unknown> {
  /**
   * Whether an error means the backend is overloaded (a 429, a timeout): the limit is then cut
   * by `decreaseFactor`. Other errors leave it as it is. Without it, no error cuts the limit.
   */
  isOverload?: (err: unknown) => boolean;
  /**
   * How much work the call's value represents, e.g. the completion tokens of an LLM answer: a
   * call is compared only with the no-load latency of calls of about the same size, so a long
   * answer is not mistaken for overload, nor a short one for spare capacity. Undefined does not
   * judge the call.
   * @defaultValue 1 (every call alike)
   */
  size?: (value: T) => number | undefined;
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
 * After a cut for a queue, a window whose inflation kept more than this share of its excess
 * (1.5 → above 1.35) says the latency did not follow our concurrency.
 */
const UNMOVED = 0.7;

/** Fewest judged calls in a window: one or two calls are noise, whatever the limit. */
const MIN_WINDOW_CALLS = 4;

/**
 * Adaptive concurrency limit for one backend in one pod, steered by the gradient of latency
 * against its no-load value.
 *
 * Why: a continuous-batching server (vLLM, TGI…) is most efficient when its batch is full, but
 * beyond its capacity extra requests only queue there, adding latency, or are refused with 429.
 * No fixed number is right for every backend, model and prompt mix, so the limit is learnt:
 *
 * - Each call's latency is compared with the **no-load latency of calls of its size** (see
 *   {@link createLatencyBaseline}): answers of 10 and of 500 tokens take very different times,
 *   and time per token does not fix that (the time to first token weighs on short answers).
 * - **Slow start**: +1 per call that used the limit (it was full, or callers were waiting) and
 *   came back about as fast as at no load, so the limit doubles every round trip until the
 *   first sign of overload; a pod finds a large backend's capacity in a few round trips.
 * - Calls are judged per window of half the limit (at least 4), by their inflation
 *   `r = Σ latency / Σ no-load latency`. Only windows in which the limit was mostly used count:
 *   an unused limit neither caused a slowdown nor proves a higher one safe.
 * - **r > tolerance in two windows in a row**: requests are queueing at the backend. By Little's
 *   law it serves about `in flight / r` of them at a time, so the limit goes to that (at most
 *   halved): one step lands near the capacity instead of creeping down. The second window is
 *   asked for because the first one after a change also pays for the change itself.
 * - **The cut did not help** (the next two windows are about as slow): the time is lost where
 *   our concurrency does not matter (a busy host, the network, a backend slower for everyone).
 *   The cut is undone and the no-load latencies are learnt again.
 * - **r ≤ tolerance after slow start**: grow, back to the capacity last measured by √limit per
 *   window, then beyond it by 1, 2, 4…
 * - **Overload errors** (429, timeouts): × `decreaseFactor`, and no more slow start.
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
  const baselineWindowMs = options.baselineWindowMs ?? 60_000;
  const decreaseFactor = options.decreaseFactor ?? 0.7;
  if (!Number.isInteger(min) || min < 1) throw new RangeError('min must be an integer ≥ 1');
  if (!Number.isInteger(max) || max < min) throw new RangeError('max must be an integer ≥ min');
  if (!(initial >= min && initial <= max)) throw new RangeError('initial must be between min and max');
  if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError('maxQueue must be an integer ≥ 0');
  if (!(tolerance > 1)) throw new RangeError('tolerance must be > 1');
  if (!(baselineWindowMs > 0)) throw new RangeError('baselineWindowMs must be > 0');
  if (!(decreaseFactor > 0 && decreaseFactor < 1)) throw new RangeError('decreaseFactor must be in (0, 1)');
  const baseline = createLatencyBaseline(baselineWindowMs);

  // Kept fractional so that repeated steps compose; admission uses the floor.
  let limit = initial;
  let slowStart = true;
  // The capacity the last cut measured, and the next step beyond it.
  let estimate = Number.POSITIVE_INFINITY;
  let probe = 1;
  let inFlight = 0;
  let generation = 0;
  // The calls of the current generation judged so far.
  let windowCalls = 0;
  let windowLatency = 0;
  let windowNoLoad = 0;
  let windowInFlight = 0;
  let windowSaturated = 0;
  // The previous window of this generation was slow: one more slow window cuts the limit.
  let suspected = false;
  // The last cut for a queue, while its effect is being judged.
  let lastCut: { from: number; inflation: number } | undefined;
  // An array with a moving head: shift() would be O(n) on a queue of 10000.
  let queue: (Waiter | undefined)[] = [];
  let head = 0;

  const currentLimit = () => Math.max(min, Math.floor(limit));
  const queued = () => queue.length - head;
  const report = () => options.observe?.(currentLimit(), inFlight, queued());

  // Starts a new generation: calls sent before a change measured the old limit, not this one.
  function setLimit(next: number): void {
    limit = Math.min(max, Math.max(min, next));
    generation += 1;
    suspected = false;
    resetWindow();
  }

  function resetWindow(): void {
    windowCalls = 0;
    windowLatency = 0;
    windowNoLoad = 0;
    windowInFlight = 0;
    windowSaturated = 0;
  }

  function onOverloadError(startedInGeneration: number): void {
    slowStart = false;
    lastCut = undefined;
    if (startedInGeneration === generation) setLimit(limit * decreaseFactor);
  }

  function judgeWindow(): void {
    const inflation = windowLatency / windowNoLoad;
    // Only a limit that was mostly used can be judged: an unused one neither caused a slowdown
    // (the calls in flight were our demand, not our limit) nor proved a higher one safe.
    const used = windowSaturated * 2 >= windowCalls;
    if (inflation > tolerance && used) {
      // A window right after a change also pays for the change itself (new connections, a burst
      // of requests at once): a queue is only believed when the next window confirms it.
      if (!suspected) {
        suspected = true;
        resetWindow();
        return;
      }
      slowStart = false;
      if (lastCut && inflation > 1 + (lastCut.inflation - 1) * UNMOVED) {
        // Fewer calls in flight, yet just as slow: the time is lost somewhere our concurrency
        // does not affect (a busy CPU on this host, a slower network or backend), not in a
        // queue of ours. Cutting further would only lower throughput: undo the cut and learn
        // the new no-load latencies instead.
        const restored = lastCut.from;
        lastCut = undefined;
        baseline.forget();
        setLimit(restored);
        return;
      }
      lastCut = { from: limit, inflation };
      estimate = windowInFlight / windowCalls / inflation;
      probe = 1;
      setLimit(Math.min(limit, Math.max(limit / 2, estimate)));
    } else if (inflation <= tolerance && !slowStart && used && limit < max) {
      // A limit that was mostly not used says nothing about whether a higher one would be safe.
      lastCut = undefined;
      setLimit(grown());
    } else {
      lastCut = undefined;
      suspected = false;
      resetWindow();
    }
  }

  // After slow start: back to the capacity last measured in big steps, then beyond it in steps
  // of 1, 2, 4… up to √limit, so the limit stays near a capacity that did not change and still
  // finds a larger one.
  function grown(): number {
    if (limit + 1 <= estimate) return Math.min(estimate, limit + Math.sqrt(limit));
    const next = limit + probe;
    // Steps of at most √limit: each overshoot past the capacity stays within one window's noise.
    probe = Math.min(probe * 2, Math.max(1, Math.sqrt(limit)));
    return next;
  }

  function onSuccess(
    elapsedMs: number,
    size: number | undefined,
    startedInGeneration: number,
    inFlightAtStart: number,
    saturated: boolean,
  ): void {
    if (size === undefined) return;
    const noLoad = baseline.observe(size, elapsedMs);
    // Slow start, as TCP's: +1 per call that used the whole limit and came back about as fast as
    // at no load, i.e. the limit doubles every round trip until the first sign of overload, and
    // a pod reaches a large backend's capacity in a few round trips. A call of a size not seen
    // before counts as such: its latency is the no-load latency it teaches.
    if (slowStart && saturated && elapsedMs <= (noLoad ?? elapsedMs) * tolerance && limit < max) limit += 1;
    // The first call of its size teaches the baseline and is not judged.
    if (noLoad === undefined || startedInGeneration !== generation) return;
    windowCalls += 1;
    windowLatency += elapsedMs;
    windowNoLoad += noLoad;
    windowInFlight += inFlightAtStart;
    if (saturated) windowSaturated += 1;
    if (windowCalls >= Math.max(MIN_WINDOW_CALLS, Math.ceil(currentLimit() / 2))) judgeWindow();
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
    const inFlightAtStart = inFlight;
    const saturated = inFlight >= currentLimit();
    report();
    const started = performance.now();
    try {
      const value = await fn();
      const size = runOptions?.size ? runOptions.size(value) : 1;
      // Callers waiting now also show that the limit is what holds them back.
      const used = saturated || queued() > 0;
      onSuccess(performance.now() - started, size, startedInGeneration, inFlightAtStart, used);
      return value;
    } catch (err) {
      if (runOptions?.isOverload?.(err)) onOverloadError(startedInGeneration);
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
