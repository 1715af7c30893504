import { type Inject, injectAtRate, type Observed, observe } from './load';
import type { ReplyWatcher } from './replies';

/**
 * Steps the offered load up until a step's update→reply p95 (unanswered messages counting as
 * infinitely late) reaches the limit, then bisects between the last passing and the first
 * failing rate `refine` times; the highest passing rate is the sustained rate.
 */

export interface RampStep {
  rate: number;
  seen: Observed;
  /** p95 of the step's last quarter of messages (unanswered: infinite). */
  tailP95: number;
  ok: boolean;
}

export interface RampResult {
  /** In the order they ran. */
  steps: RampStep[];
  /** Highest passing offered rate; 0 when even the first step failed. */
  sustained: number;
  /** True when no step failed (the sustained rate is then a lower bound). */
  neverFailed: boolean;
}

export interface RampOptions {
  rates: readonly number[];
  stepMs: number;
  drainMs: number;
  p95LimitMs: number;
  chats: number;
  /** Bisection steps after the first failure. */
  refine: number;
  /** Longest wait for an earlier step's backlog before a bisection step. */
  backlogWaitMs?: number;
  signal?: AbortSignal;
  onStep?: (index: number, rate: number) => void;
}

export async function ramp(inject: Inject, watcher: ReplyWatcher, o: RampOptions): Promise<RampResult> {
  const steps: RampStep[] = [];
  const allTokens: number[] = [];
  const step = async (rate: number): Promise<boolean> => {
    o.onStep?.(steps.length, rate);
    const sent = await injectAtRate(inject, { rate, durationMs: o.stepMs, chats: o.chats, signal: o.signal });
    allTokens.push(...sent.tokens);
    const seen = await observe(watcher, sent, o.drainMs);
    // A step shorter than the time a backlog needs to show could pass on a growing queue: the
    // messages of its last quarter must be under the limit on their own as well.
    const tailTokens = sent.tokens.slice(Math.floor(sent.tokens.length * 0.75));
    const tail = await observe(watcher, { ...sent, tokens: tailTokens }, 0);
    const ok = seen.p95WithMissing < o.p95LimitMs && tail.p95WithMissing < o.p95LimitMs && sent.failed === 0;
    steps.push({ rate, seen, tailP95: tail.p95WithMissing, ok });
    return ok;
  };

  let passed = 0;
  let failedAt: number | undefined;
  for (const rate of o.rates) {
    if (o.signal?.aborted) break;
    if (!(await step(rate))) {
      failedAt = rate;
      break;
    }
    passed = rate;
  }
  for (let i = 0; i < o.refine && failedAt !== undefined && !o.signal?.aborted; i++) {
    const mid = Math.round((passed + failedAt) / 2);
    if (mid <= passed || mid >= failedAt) break;
    // The failing step left a backlog: let it clear so that it does not count against this one.
    await watcher.waitFor(allTokens, o.backlogWaitMs ?? 30_000);
    if (await step(mid)) passed = mid;
    else failedAt = mid;
  }
  return { steps, sustained: passed, neverFailed: steps.every((s) => s.ok) };
}
