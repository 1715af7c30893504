/**
 * Thrown when Telegram asked us to wait longer than is worth holding a worker slot for; the
 * processor moves the job to the delayed set until then (without spending an attempt).
 */
export class RetryLaterError extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(`retry in ${delayMs} ms: ${reason}`);
    this.name = 'RetryLaterError';
  }
}
