/**
 * The offered load: a steady base rate, then `waves` bursts of `factor` × base, each ramping up
 * linearly, holding, and ramping down, `gapSeconds` apart (bursts on Telegram come in waves: a
 * post, then the replies to it). Arrivals per second are Poisson, from a seeded generator, so a
 * run is repeatable and the HPA sees the jitter a real queue gauge shows.
 */
export interface BurstProfile {
  /** Updates per second outside the bursts. */
  baseRate: number;
  /** Peak rate as a multiple of the base (10 for a 10× burst). */
  factor: number;
  /** Seconds from the start of the run to the start of the first burst. */
  startSeconds: number;
  /** Seconds from the start of a burst to the start of its ramp down. */
  durationSeconds: number;
  /** Seconds each ramp takes (0: a step). */
  rampSeconds: number;
  /** Bursts in the run. @defaultValue 1 */
  waves?: number;
  /** Seconds at the base rate between the end of one burst and the start of the next. @defaultValue 0 */
  gapSeconds?: number;
}

/** [start, end) of each burst, ramps included. */
export function burstWindows(p: BurstProfile): Array<[number, number]> {
  const span = p.durationSeconds + p.rampSeconds;
  return Array.from({ length: p.waves ?? 1 }, (_, k) => {
    const start = p.startSeconds + k * (span + (p.gapSeconds ?? 0));
    return [start, start + span] as [number, number];
  });
}

export function offeredRate(p: BurstProfile, t: number): number {
  const peak = p.baseRate * p.factor;
  let level = 0;
  for (const [start] of burstWindows(p)) {
    const s = t - start;
    if (s < 0) continue;
    const up = p.rampSeconds === 0 ? 1 : Math.min(1, s / p.rampSeconds);
    const down =
      s < p.durationSeconds
        ? 1
        : p.rampSeconds === 0
          ? 0
          : Math.max(0, 1 - (s - p.durationSeconds) / p.rampSeconds);
    level = Math.max(level, Math.min(up, down));
  }
  return p.baseRate + (peak - p.baseRate) * level;
}

/** mulberry32: small, fast, seeded; plenty for arrival noise. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A Poisson draw: exact (Knuth) for small means, normal approximation above 30. */
export function poisson(mean: number, random: () => number): number {
  if (mean <= 0) return 0;
  if (mean > 30) {
    const u = Math.max(random(), 1e-12);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}
