import { autoRetry } from '@grammyjs/auto-retry';
import { Api } from 'grammy';
import type { OutboundLimiter } from './outbound/limiter';
import { outboundLimits } from './outbound/transformer';

/** Called once per Bot API call with its outcome (`ok`, `error_<code>`, or `network`). */
export type TelegramCallObserver = (call: { method: string; outcome: string; seconds: number }) => void;

export interface TelegramApiOptions {
  token: string;
  /** Bot API server; Telegram's by default, the emulator or a local Bot API server otherwise. */
  apiRoot: string;
  observe?: TelegramCallObserver;
  /**
   * Longest `retry_after` waited for inside the call. Longer flood waits are thrown, so the job is
   * retried later by the queue instead of holding a worker slot. @defaultValue 5
   */
  maxInlineRetryAfterSeconds?: number;
  /**
   * Telegram's limits shared by every pod of the bot: sends wait for a slot and 429s pause the
   * chat for everyone. Without it each call goes straight to Telegram.
   */
  limiter?: OutboundLimiter;
  /**
   * Longest wait for a limiter slot inside one call; longer waits throw `OutboundPausedError`.
   * @defaultValue 3000
   */
  maxLimiterWaitMs?: number;
}

/**
 * grammY's API client pointed at `apiRoot`, with call metrics, the shared outbound limiter and
 * short 429 waits built in.
 *
 * Each `api.config.use()` wraps the transformers installed before it, so a call runs through
 * them from the last installed to the first: auto-retry → limiter → metrics → HTTP.
 * - Metrics are innermost so that they count real HTTP attempts (each retry included) and never
 *   a call the limiter held back, which did not reach Telegram.
 * - The limiter is inside auto-retry so that every attempt, retries included, books its own slot
 *   and waits out pauses other pods recorded meanwhile: auto-retry cannot hammer Telegram behind
 *   the limiter's back, and the limiter sees the 429 that auto-retry is about to absorb, so the
 *   other pods pause that chat too. `OutboundPausedError` is not an `HttpError`, so auto-retry
 *   passes it through instead of retrying it.
 */
export function createTelegramApi(opts: TelegramApiOptions): Api {
  const api = new Api(opts.token, { apiRoot: opts.apiRoot });
  const observe = opts.observe;
  if (observe) {
    // Installed first so that it sees each HTTP attempt, retries included.
    api.config.use(async (prev, method, payload, signal) => {
      const started = performance.now();
      try {
        const result = await prev(method, payload, signal);
        observe({
          method,
          outcome: result.ok ? 'ok' : `error_${result.error_code}`,
          seconds: (performance.now() - started) / 1000,
        });
        return result;
      } catch (err) {
        observe({ method, outcome: 'network', seconds: (performance.now() - started) / 1000 });
        throw err;
      }
    });
  }
  if (opts.limiter) {
    api.config.use(outboundLimits(opts.limiter, { maxWaitMs: opts.maxLimiterWaitMs ?? 3_000 }));
  }
  api.config.use(
    autoRetry({
      maxRetryAttempts: 2,
      maxDelaySeconds: opts.maxInlineRetryAfterSeconds ?? 5,
      rethrowInternalServerErrors: false,
      rethrowHttpErrors: false,
    }),
  );
  return api;
}
