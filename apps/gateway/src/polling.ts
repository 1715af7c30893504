import { telegramUpdateSchema } from '@parley/contracts';
import { classifyTelegramError } from '@parley/telegram';
import type { Api } from 'grammy';
import type { GatewayDeps } from './deps';
import { enqueueUpdate } from './enqueue-update';

/**
 * Long polling for local use without a public webhook URL: getUpdates feeds the same queue as the
 * webhook. The offset only advances after Redis has taken an update, so nothing is lost when
 * Redis is down (Telegram simply hands the same updates out again).
 */
export function startPolling(deps: GatewayDeps, api: Api): { stop(): Promise<void> } {
  const controller = new AbortController();
  let offset = 0;
  const loop = (async () => {
    // getUpdates and a webhook exclude each other; this mirrors what grammY's bot.start() does.
    await api
      .deleteWebhook()
      .catch((err) => deps.logger.warn({ err }, 'deleteWebhook failed before polling'));
    let backoff = 500;
    while (!controller.signal.aborted) {
      try {
        // grammY types its signal with an AbortController shim; the runtime object is the standard one.
        const signal = controller.signal as unknown as Parameters<Api['getUpdates']>[1];
        const updates = await api.getUpdates({ offset, timeout: 25, limit: 100 }, signal);
        for (const raw of updates) {
          const parsed = telegramUpdateSchema.safeParse(raw);
          if (parsed.success) {
            await enqueueUpdate(deps, parsed.data);
            deps.metrics.polledUpdates.inc();
          } else {
            deps.logger.warn(
              { updateId: raw.update_id },
              'skipping an update that does not match the schema',
            );
          }
          offset = raw.update_id + 1;
        }
        backoff = 500;
      } catch (err) {
        if (controller.signal.aborted) break;
        const failure = classifyTelegramError(err);
        const wait = failure?.kind === 'rate_limited' ? failure.retryAfterSeconds * 1000 : backoff;
        deps.logger.warn({ err, waitMs: wait }, 'polling failed; retrying');
        await new Promise((r) => setTimeout(r, wait));
        backoff = Math.min(backoff * 2, 15_000);
      }
    }
  })();
  return {
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}
