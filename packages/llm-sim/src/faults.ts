import { mulberry32, type Random } from './prng';

/** Which endpoints a fault applies to. */
export type FaultPath = 'chat' | 'completions' | 'embeddings' | 'transcriptions';

/** What an injected fault answers. `'timeout'` holds the request open until the client gives up. */
export type FaultStatus = 429 | 500 | 502 | 503 | 'timeout';

/**
 * A fault to inject. With neither `times` nor `probability` it fires once (the next matching
 * request); with only `probability` it stays until cleared.
 */
export interface FaultRule {
  status: FaultStatus;
  /**
   * Fire on at most this many matching requests, then disappear.
   * @defaultValue 1 without `probability`, unlimited with it
   */
  times?: number;
  /** Chance (0..1) that a matching request is hit. @defaultValue 1 */
  probability?: number;
  /** For 429: seconds sent in `retry-after` (and as ms in `retry-after-ms`). @defaultValue 1 */
  retryAfter?: number;
  /** Only requests to this endpoint. @defaultValue undefined (every endpoint that faults apply to) */
  path?: FaultPath;
}

/** The random fault rates, part of the runtime settings. */
export interface FaultRates {
  /** Probability (0..1) of answering 500, 502 or 503. @defaultValue 0 */
  errorRate: number;
  /** Probability (0..1) of answering 429 with `retry-after: 1`. @defaultValue 0 */
  rateLimitRate: number;
  /** Probability (0..1) of never answering, until the client gives up. @defaultValue 0 */
  timeoutRate: number;
}

export type FaultDecision =
  | { kind: 'error'; status: 429 | 500 | 502 | 503; retryAfterSeconds?: number }
  | { kind: 'timeout' };

/** Rules beyond this are refused, so a runaway test cannot grow the list without bound. */
export const MAX_FAULT_RULES = 256;

const SERVER_ERRORS = [500, 502, 503] as const;

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

/** Validates a rule; throws a RangeError naming the bad field. */
export function checkFaultRule(rule: FaultRule): void {
  const statuses: readonly unknown[] = [429, 500, 502, 503, 'timeout'];
  if (!statuses.includes(rule.status)) throw new RangeError(`status must be 429, 500, 502, 503 or "timeout"`);
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 1)) {
    throw new RangeError('times must be a positive integer');
  }
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
    throw new RangeError('probability must be between 0 and 1');
  }
  if (rule.retryAfter !== undefined && !(rule.retryAfter >= 0 && rule.retryAfter <= 3600)) {
    throw new RangeError('retryAfter must be between 0 and 3600 seconds');
  }
  if (
    rule.path !== undefined &&
    !['chat', 'completions', 'embeddings', 'transcriptions'].includes(rule.path)
  ) {
    throw new RangeError('path must be "chat", "completions", "embeddings" or "transcriptions"');
  }
}

/** Decides, per request, whether to answer with a fault instead of doing the work. */
export class FaultInjector {
  private rules: ActiveRule[] = [];
  private readonly random: Random;

  constructor(seed?: number) {
    // Without a seed fault rolls are unpredictable, which is what a soak test wants.
    this.random = mulberry32(seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  add(rule: FaultRule): void {
    checkFaultRule(rule);
    if (this.rules.length >= MAX_FAULT_RULES) throw new RangeError(`at most ${MAX_FAULT_RULES} fault rules`);
    const once = rule.times === undefined && rule.probability === undefined;
    const remaining = rule.times ?? (once ? 1 : Number.POSITIVE_INFINITY);
    this.rules.push({ rule: { ...rule }, remaining });
  }

  clear(): void {
    this.rules = [];
  }

  /** The active rules, with how many hits each has left (`null` = unlimited). */
  list(): Array<FaultRule & { remaining: number | null }> {
    return this.rules.map(({ rule, remaining }) => ({
      ...rule,
      remaining: Number.isFinite(remaining) ? remaining : null,
    }));
  }

  /** The fault for one request to `path`, or undefined to serve it normally. */
  decide(path: FaultPath, rates: FaultRates): FaultDecision | undefined {
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.path !== undefined && rule.path !== path) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      active.remaining--;
      if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
      if (rule.status === 'timeout') return { kind: 'timeout' };
      return rule.status === 429
        ? { kind: 'error', status: 429, retryAfterSeconds: rule.retryAfter ?? 1 }
        : { kind: 'error', status: rule.status };
    }
    if (rates.timeoutRate > 0 && this.random() < rates.timeoutRate) return { kind: 'timeout' };
    if (rates.rateLimitRate > 0 && this.random() < rates.rateLimitRate) {
      return { kind: 'error', status: 429, retryAfterSeconds: 1 };
    }
    if (rates.errorRate > 0 && this.random() < rates.errorRate) {
      const status = SERVER_ERRORS[Math.floor(this.random() * SERVER_ERRORS.length)] ?? 500;
      return { kind: 'error', status };
    }
    return undefined;
  }
}
