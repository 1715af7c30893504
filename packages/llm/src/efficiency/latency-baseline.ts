export interface LatencyBaseline {
  /**
   * Records a call of `size` that took `latencyMs` and returns the no-load latency of calls of
   * that size as known before it, or undefined when it cannot be told yet.
   */
  observe(size: number, latencyMs: number): number | undefined;
  /** Forgets every no-load latency: the next calls teach them again. */
  forget(): void;
}

/** Sizes up to this get a bucket each; beyond, buckets grow by {@link BUCKET_RATIO}. */
const EXACT_SIZES = 16;
/** A bucket holds sizes within 10% of each other, so their no-load latencies differ little. */
const BUCKET_RATIO = 1.1;
/** Sizes interpolated between known buckets at most this many times apart (4 → 20 and 80). */
const MAX_INTERPOLATION_RATIO = 4;

function bucketOf(size: number): number {
  const s = Math.max(0, Math.round(size));
  if (s <= EXACT_SIZES) return s;
  return EXACT_SIZES + 1 + Math.floor(Math.log(s / EXACT_SIZES) / Math.log(BUCKET_RATIO));
}

/** The smallest size of a bucket. */
function sizeOf(bucket: number): number {
  return bucket <= EXACT_SIZES ? bucket : EXACT_SIZES * BUCKET_RATIO ** (bucket - EXACT_SIZES - 1);
}

/**
 * The no-load latency of a call, by size: the fastest call in its size bucket during the current
 * and the previous window of `windowMs`. A size not seen yet lying between two known sizes is
 * interpolated linearly between them, so a pod learns the backend from a handful of calls.
 *
 * Why per size: an LLM call takes about `time to first token + tokens × time per token`, so the
 * latency of a 10-token and of a 500-token answer differ twenty-fold at no load. Comparing each
 * call with the fastest call of about its own size needs no model of the backend (nor its
 * constants) and stays right for streaming, prefill-heavy or batched calls alike.
 *
 * Why the minimum over two windows: under load calls only get slower, so the minimum keeps the
 * no-load value while a queue builds; dropping the older window lets a backend that became slower
 * for good (another model, another GPU) be re-learnt.
 */
export function createLatencyBaseline(windowMs: number): LatencyBaseline {
  let current = new Map<number, number>();
  let previous = new Map<number, number>();
  let windowEndsAt = performance.now() + windowMs;

  function known(bucket: number): number | undefined {
    const a = current.get(bucket);
    const b = previous.get(bucket);
    return a === undefined ? b : b === undefined ? a : Math.min(a, b);
  }

  function interpolated(bucket: number): number | undefined {
    let below: number | undefined;
    let above: number | undefined;
    for (const b of [...current.keys(), ...previous.keys()]) {
      if (b < bucket && (below === undefined || b > below)) below = b;
      if (b > bucket && (above === undefined || b < above)) above = b;
    }
    if (below === undefined || above === undefined) return undefined;
    const [lowSize, highSize] = [Math.max(1, sizeOf(below)), sizeOf(above)];
    if (highSize / lowSize > MAX_INTERPOLATION_RATIO) return undefined;
    const [low, high] = [known(below) as number, known(above) as number];
    return low + ((high - low) * (sizeOf(bucket) - sizeOf(below))) / (sizeOf(above) - sizeOf(below));
  }

  return {
    observe(size, latencyMs) {
      const now = performance.now();
      if (now >= windowEndsAt) {
        // A gap longer than a whole window leaves nothing worth remembering.
        previous = now - windowEndsAt < windowMs ? current : new Map();
        current = new Map();
        windowEndsAt = now + windowMs;
      }
      const bucket = bucketOf(size);
      const noLoad = known(bucket) ?? interpolated(bucket);
      const mine = current.get(bucket);
      if (mine === undefined || latencyMs < mine) current.set(bucket, latencyMs);
      return noLoad;
    },
    forget() {
      current = new Map();
      previous = new Map();
    },
  };
}
