/**
 * Redis keys of one backend's shared state. The backend name is a hash tag (`{name}`), so all of
 * a backend's keys land in one Redis Cluster slot and one Lua script may touch them together.
 */
export interface BackendKeys {
  /** Set with PX after a 429: nobody calls the backend until it expires. */
  pause: string;
  /** Set with PX while the circuit is open. */
  open: string;
  /**
   * Set when the circuit opens and deleted when a trial closes it. Present without `open` means
   * half-open: the open period is over but no trial has succeeded yet.
   */
  tripped: string;
  /** Sorted set of recent failures (score = Redis time in ms), the breaker's sliding window. */
  failures: string;
  /**
   * Sorted set of recent successes (score = Redis time in ms), the same window: with `failures`
   * it gives the volume and the failure rate.
   */
  successes: string;
  /** SET NX lock held by the one caller allowed to try a half-open backend. */
  trial: string;
}

export function backendKeys(keyPrefix: string, backend: string): BackendKeys {
  const base = `${keyPrefix}:llm:{${backend}}`;
  return {
    pause: `${base}:pause`,
    open: `${base}:breaker:open`,
    tripped: `${base}:breaker:tripped`,
    failures: `${base}:breaker:failures`,
    successes: `${base}:breaker:successes`,
    trial: `${base}:breaker:trial`,
  };
}
