import OpenAI from 'openai';
import { classifyLlmError, type LlmFailure } from '../errors';

/**
 * 401, 403 and 404 mean this backend is misconfigured (key, permissions, model or URL), not that
 * the request is bad: another backend may well answer it.
 */
const MISCONFIGURED = new Set([401, 403, 404]);

/** What the failover loop does after a failed call. */
export type FailureAction =
  /** 429: pause the backend for every pod, try the next one; not a breaker failure. */
  | 'pause'
  /** Timeout, 5xx, connection error or misconfiguration: count it for the breaker, try the next one. */
  | 'count'
  /** Any other client error: the request itself is bad, so it is thrown as it is. */
  | 'throw';

export function failureAction(err: unknown, failure: LlmFailure = classifyLlmError(err)): FailureAction {
  if (failure.outcome === 'rate_limited') return 'pause';
  if (failure.outcome !== 'client_error') return 'count';
  const status = err instanceof OpenAI.APIError ? err.status : undefined;
  return status !== undefined && MISCONFIGURED.has(status) ? 'count' : 'throw';
}
