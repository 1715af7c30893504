import type { Api } from 'grammy';

/**
 * An answer ready sooner than this needs no "typing…": the message itself shows up about as
 * soon as the indicator would. Skipping it saves a Bot API call (and its limiter check) for
 * cached, command and fast answers; an LLM answer that takes longer still gets the indicator.
 */
export const TYPING_AFTER_MS = 1_000;

/**
 * Shows "typing…" while the answer is being produced, from `afterMs` on. Telegram clears the
 * status after 5 s, so it is refreshed; failures are ignored because the indicator is cosmetic.
 */
export function keepTyping(api: Api, chatId: number, everyMs = 4_500, afterMs = TYPING_AFTER_MS): () => void {
  const send = () => {
    api.sendChatAction(chatId, 'typing').catch(() => {});
  };
  let timer: NodeJS.Timeout | undefined;
  const start = setTimeout(() => {
    send();
    timer = setInterval(send, everyMs);
    timer.unref();
  }, afterMs);
  start.unref();
  return () => {
    clearTimeout(start);
    if (timer) clearInterval(timer);
  };
}
