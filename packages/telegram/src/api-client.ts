import { autoRetry } from '@grammyjs/auto-retry';
import { Api } from 'grammy';

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
}

/** grammY's API client pointed at `apiRoot`, with call metrics and short 429 waits built in. */
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
