import OpenAI from 'openai';
import { AllBackendsFailedError } from './resilience/errors';

export type LlmOutcome =
  | 'ok'
  | 'rate_limited'
  | 'timeout'
  | 'server_error'
  | 'connection_error'
  | 'client_error';

export interface LlmFailure {
  outcome: Exclude<LlmOutcome, 'ok'>;
  /** Worth trying again later (the same request may succeed). */
  retryable: boolean;
  /** What the backend asked us to wait, when it said. */
  retryAfterMs?: number;
  message: string;
}

/** Maps the openai SDK's typed errors to what the worker should do. */
export function classifyLlmError(err: unknown): LlmFailure {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof AllBackendsFailedError) return allBackendsFailure(err);
  // Order matters: the timeout error is a subclass of the connection error.
  if (err instanceof OpenAI.APIConnectionTimeoutError)
    return { outcome: 'timeout', retryable: true, message };
  if (err instanceof OpenAI.APIConnectionError) {
    // Under some runtimes an SDK timeout surfaces as a plain connection error mentioning it.
    const outcome = /timed? ?out/i.test(message) ? 'timeout' : 'connection_error';
    return { outcome, retryable: true, message };
  }
  if (err instanceof OpenAI.RateLimitError) {
    return { outcome: 'rate_limited', retryable: true, retryAfterMs: retryAfterMs(err.headers), message };
  }
  if (err instanceof OpenAI.InternalServerError) return { outcome: 'server_error', retryable: true, message };
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    // 408 and 409 are transient by OpenAI's own retry rules; other 4xx will fail the same way again.
    const transient = err.status === 408 || err.status === 409;
    return { outcome: transient ? 'server_error' : 'client_error', retryable: transient, message };
  }
  return { outcome: 'connection_error', retryable: true, message };
}

/**
 * The resilient client already tried every backend; what it learnt decides the retry:
 * `rate_limited` when every backend was rate limited or paused, `client_error` when no backend
 * will take this request, otherwise `server_error`.
 */
function allBackendsFailure(err: AllBackendsFailedError): LlmFailure {
  const limited = err.attempts.every((a) => a.outcome === 'rate_limited' || a.outcome === 'skipped_paused');
  const outcome = !err.retryable ? 'client_error' : limited ? 'rate_limited' : 'server_error';
  const failure: LlmFailure = { outcome, retryable: err.retryable, message: err.message };
  if (err.retryAfterMs !== undefined) failure.retryAfterMs = err.retryAfterMs;
  return failure;
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const seconds = Number(headers?.get('retry-after'));
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  return undefined;
}
