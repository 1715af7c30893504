/** Thrown when the client went away (or the simulator is closing) while a request waited. */
export class RequestAbortedError extends Error {
  constructor() {
    super('request aborted');
    this.name = 'RequestAbortedError';
  }
}

/**
 * Resolves after `ms`, or rejects with {@link RequestAbortedError} as soon as `signal` aborts;
 * the timer is always cleared so an aborted wait keeps nothing alive. `ms <= 0` resolves
 * without a timer, which keeps the "instant LLM" mode free of timer overhead.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new RequestAbortedError());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RequestAbortedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves when `signal` aborts, or after `maxMs` (so a hung request cannot live forever). */
export function untilAborted(signal: AbortSignal, maxMs: number): Promise<void> {
  return sleep(maxMs, signal).then(
    () => undefined,
    () => undefined,
  );
}
