import type { Redis } from 'ioredis';
import { providerKeys } from './keys';
import { ACQUIRE_SCRIPT, ADJUST_SCRIPT } from './provider-script';
import { integers, luaScript } from './redis-script';

export interface ProviderBudgetOptions {
  /** Keys: `${keyPrefix}:limits:{provider:${provider}}:requests|tokens`. */
  keyPrefix: string;
  /**
   * The account whose limits these are (e.g. `openai-main`). Every pod and every bot calling
   * with the same API key must use the same name, or together they exceed the provider's limits.
   */
  provider: string;
  /** Requests per minute the provider allows. */
  requestsPerMinute: number;
  /** Tokens (prompt + completion) per minute the provider allows. */
  tokensPerMinute: number;
  /** Requests that may start at once. @defaultValue requestsPerMinute */
  requestBurst?: number;
  /** Tokens that may be booked at once; a call estimated above this is booked as this. @defaultValue tokensPerMinute */
  tokenBurst?: number;
  /** Longest wait for a slot inside `acquire` before refusing. @defaultValue 5000 */
  maxWaitMs?: number;
}

export type ProviderGrant =
  | {
      granted: true;
      /** How long `acquire` slept for the slot. */
      waitedMs: number;
      /** The tokens booked; pass the real usage to `settle` so the budget follows reality. */
      booked: number;
    }
  /** Refused without booking: the earliest slot was `retryAfterMs` away, beyond the maximum wait. */
  | { granted: false; retryAfterMs: number };

export interface ProviderBudget {
  /**
   * Books one request and `estimatedTokens` against the provider's limits, sleeping up to
   * `maxWaitMs` for the slot; refuses (books nothing) when the wait would be longer.
   */
  acquire(
    estimatedTokens: number,
    opts?: { maxWaitMs?: number; signal?: AbortSignal },
  ): Promise<ProviderGrant>;
  /** After the call: corrects the booked tokens to the real usage (gives back what was unused). */
  settle(grant: ProviderGrant, usedTokens: number): Promise<void>;
  /** The wait `acquire` would face now, without booking (for metrics and admin views). */
  peekWaitMs(estimatedTokens: number): Promise<number>;
}

/** A global provider budget (requests and tokens per minute) shared by every pod through Redis. */
export function createProviderBudget(redis: Redis, opts: ProviderBudgetOptions): ProviderBudget {
  const rpm = positive('requestsPerMinute', opts.requestsPerMinute);
  const tpm = positive('tokensPerMinute', opts.tokensPerMinute);
  const requestBurst = opts.requestBurst ?? Math.max(1, Math.floor(rpm));
  const tokenBurst = opts.tokenBurst ?? Math.max(1, Math.floor(tpm));
  positive('requestBurst', requestBurst);
  positive('tokenBurst', tokenBurst);
  const defaultMaxWait = opts.maxWaitMs ?? 5_000;
  const requestMs = 60_000 / rpm;
  const tokenMs = 60_000 / tpm;
  const keys = providerKeys(opts.keyPrefix, opts.provider);
  const acquireScript = luaScript(redis, ACQUIRE_SCRIPT);
  const adjustScript = luaScript(redis, ADJUST_SCRIPT);

  const book = async (tokens: number, maxWaitMs: number | undefined) => {
    const reply = await acquireScript(
      [keys.requests, keys.tokens],
      ['', maxWaitMs ?? '', requestMs, requestBurst, tokenMs, tokenBurst, tokens],
    );
    const [wait, booked] = integers(reply, 2, 'the provider budget script');
    return { wait: wait!, booked: booked === 1 };
  };
  const costOf = (estimate: number) => {
    if (!Number.isFinite(estimate) || estimate < 0)
      throw new RangeError('estimatedTokens must be a number >= 0');
    // A call bigger than the bucket could never start; booking the whole bucket makes it wait for a full one.
    return Math.min(Math.ceil(estimate), tokenBurst);
  };

  return {
    async acquire(estimatedTokens, callOpts = {}) {
      const tokens = costOf(estimatedTokens);
      const maxWaitMs = callOpts.maxWaitMs ?? defaultMaxWait;
      const { wait, booked } = await book(tokens, maxWaitMs);
      if (!booked) return { granted: false, retryAfterMs: wait };
      if (wait > 0) await sleep(wait, callOpts.signal);
      return { granted: true, waitedMs: wait, booked: tokens };
    },

    async settle(grant, usedTokens) {
      if (!grant.granted) return;
      if (!Number.isFinite(usedTokens) || usedTokens < 0)
        throw new RangeError('usedTokens must be a number >= 0');
      const delta = Math.ceil(usedTokens) - grant.booked;
      if (delta !== 0) await adjustScript([keys.tokens], ['', tokenMs, delta]);
    },

    async peekWaitMs(estimatedTokens) {
      return (await book(costOf(estimatedTokens), -1)).wait;
    },
  };
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number`);
  return value;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
