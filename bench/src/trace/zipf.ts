/** A seeded PRNG and a Zipf sampler over ranks 1..n (P(k) ∝ 1 / k^s). */

export type Random = () => number;

/** mulberry32: small, fast, good enough for traces; deterministic for a seed. */
export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Zipf {
  n: number;
  s: number;
  /** A rank in 1..n. */
  sample(): number;
  /** The exact probability of rank k. */
  probability(k: number): number;
}

export function createZipf(n: number, s: number, random: Random): Zipf {
  if (!Number.isInteger(n) || n < 1) throw new Error(`zipf: n must be a positive integer, got ${n}`);
  if (!(s > 0)) throw new Error(`zipf: s must be positive, got ${s}`);
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += 1 / k ** s;
    cdf[k - 1] = sum;
  }
  for (let i = 0; i < n; i++) cdf[i] = (cdf[i] ?? 0) / sum;
  const total = sum;
  return {
    n,
    s,
    probability: (k) => (k >= 1 && k <= n ? 1 / k ** s / total : 0),
    sample: () => {
      const u = random();
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cdf[mid] ?? 1) < u) lo = mid + 1;
        else hi = mid;
      }
      return lo + 1;
    },
  };
}
