import { ApiError } from './api-error';
import type { MethodHandler } from './method-context';
import { clampedInt, optionalInt } from './params';

/** Longest long-poll the emulator holds a getUpdates request, in seconds. */
const MAX_POLL_SECONDS = 50;

export const WEBHOOK_CONFLICT =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
export const POLL_CONFLICT =
  'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';

/**
 * getUpdates with Telegram's semantics: `offset` confirms (forgets) earlier updates, a negative
 * offset keeps the last -offset ones, `timeout` long-polls, a newer getUpdates ends the running one
 * with 409, and a set webhook makes it fail with 409.
 */
export const updateMethods: Record<string, MethodHandler> = {
  getUpdates: async ({ bot, signal }, params) => {
    if (bot.webhook) throw new ApiError(409, WEBHOOK_CONFLICT);
    const offset = optionalInt(params, 'offset') ?? 0;
    const limit = clampedInt(params, 'limit', 100, 1, 100);
    const timeout = clampedInt(params, 'timeout', 0, 0, MAX_POLL_SECONDS);
    if (Array.isArray(params.allowed_updates)) {
      bot.allowedUpdates = params.allowed_updates.filter((u): u is string => typeof u === 'string');
    }

    bot.activePoll?.terminate();
    if (offset !== 0) bot.updates.confirm(offset);

    if (bot.updates.pending.length === 0 && timeout > 0) {
      const controller = new AbortController();
      const stop = () => controller.abort();
      signal.addEventListener('abort', stop, { once: true });
      let terminated = false;
      const poll = {
        terminate: () => {
          terminated = true;
          controller.abort();
        },
      };
      bot.activePoll = poll;
      try {
        await bot.updates.waitForUpdate(timeout * 1000, controller.signal);
      } finally {
        signal.removeEventListener('abort', stop);
        if (bot.activePoll === poll) bot.activePoll = undefined;
      }
      if (bot.webhook) throw new ApiError(409, WEBHOOK_CONFLICT);
      if (terminated) throw new ApiError(409, POLL_CONFLICT);
    }
    return bot.updates.peek(limit);
  },
};
