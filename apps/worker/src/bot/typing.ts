import type { Api } from 'grammy';

/**
 * Shows "typing…" while the answer is being produced. Telegram clears the status after 5 s,
 * so it is refreshed; failures are ignored because the indicator is cosmetic.
 */
export function keepTyping(api: Api, chatId: number, everyMs = 4_500): () => void {
  const send = () => {
    api.sendChatAction(chatId, 'typing').catch(() => {});
  };
  send();
  const timer = setInterval(send, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
