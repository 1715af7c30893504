/**
 * Parks a chat's lane until `delayMs` from now: the processor moves the job to BullMQ's delayed
 * set, so the worker slot is free meanwhile and the lane job spends none of its attempts.
 * - Without `afterFailure`: a wait someone asked for (Telegram's retry_after, an LLM's
 *   Retry-After); it does not count as an attempt at the update.
 * - With `afterFailure`: the update's attempt failed and this is its backoff.
 */
export class RetryLaterError extends Error {
  readonly afterFailure: boolean;

  constructor(
    readonly delayMs: number,
    reason: string,
    opts: { afterFailure?: boolean } = {},
  ) {
    super(`retry in ${delayMs} ms: ${reason}`);
    this.name = 'RetryLaterError';
    this.afterFailure = opts.afterFailure ?? false;
  }
}

/**
 * Backoff after the update's n-th failed attempt: 1 s doubling, capped at 30 s, with jitter so
 * that lanes failing together do not retry together. Per update, not per lane job: a lane that
 * answered ten updates and failed on the eleventh starts the eleventh's backoff at 1 s.
 */
export function updateBackoffMs(failedAttempts: number, random = Math.random): number {
  const base = Math.min(1_000 * 2 ** Math.max(0, failedAttempts - 1), 30_000);
  return Math.round(base * (0.5 + random()));
}
