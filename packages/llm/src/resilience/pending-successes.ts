import type { SuccessBatch } from './breaker';

/**
 * Successes of one backend in this process that are not in the shared window yet. Writing every
 * success would cost a Redis round trip per answer just to say "still fine"; the window only
 * needs them as the failure rate's denominator. So they are written as one batch once
 * `maxCount` have gathered, or with the next success once the batch is `maxAgeMs` old, and a
 * failure takes its process's batch with it (see recordFailure), so a process never judges a
 * failure without its own successes. Other processes' batches are missing from a judgement: at
 * most `maxCount - 1` successes per process, none older than `maxAgeMs`.
 */
export class PendingSuccesses {
  private count = 0;
  private since = 0;

  constructor(
    private readonly maxCount: number,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one success; returns the batches due to be written now, oldest first. */
  add(): SuccessBatch[] {
    const now = this.now();
    const due: SuccessBatch[] = [];
    // An old batch is written with its own age, so the window scores it when it happened.
    if (this.count > 0 && now - this.since >= this.maxAgeMs) due.push(this.take(now));
    if (this.count === 0) this.since = now;
    this.count++;
    if (this.count >= this.maxCount) due.push(this.take(now));
    return due;
  }

  /** Hands over (and forgets) the successes gathered so far. */
  take(now = this.now()): SuccessBatch {
    const batch = { count: this.count, ageMs: this.count > 0 ? now - this.since : 0 };
    this.count = 0;
    return batch;
  }
}
