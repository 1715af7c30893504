/** One backend's part in a failed request. */
export interface BackendAttempt {
  backend: string;
  /** An `LlmOutcome` of a call, or `skipped_paused` / `skipped_open` when it was not called. */
  outcome: string;
  message: string;
}

/**
 * Every backend was skipped or failed. The queue should retry the job when `retryable`, after
 * `retryAfterMs` when that is set.
 */
export class AllBackendsFailedError extends Error {
  override readonly name = 'AllBackendsFailedError';
  /** False only when every backend answered with a client error: the same request will fail again. */
  readonly retryable: boolean;
  /**
   * The shortest remaining pause or open period among the backends that were unavailable, i.e.
   * when the first of them can be called again. Undefined when none was paused or open.
   */
  readonly retryAfterMs?: number;
  readonly attempts: BackendAttempt[];

  constructor(attempts: BackendAttempt[], retryAfterMs: number | undefined, options?: { cause?: unknown }) {
    const summary = attempts.map((a) => `${a.backend}: ${a.outcome} (${a.message})`).join('; ');
    super(`all ${attempts.length} LLM backends failed: ${summary}`, options);
    this.attempts = attempts;
    this.retryable = attempts.some((a) => a.outcome !== 'client_error');
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}
