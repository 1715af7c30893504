/**
 * Thrown instead of calling Telegram when the send would have to wait longer than allowed for a
 * slot (a 429 pause of the chat or the bot, or a rate limit). Nothing was sent: the caller retries
 * after `retryAfterMs` (the queue does it for jobs), without holding a worker slot meanwhile.
 */
export class OutboundPausedError extends Error {
  override readonly name = 'OutboundPausedError';

  constructor(
    readonly retryAfterMs: number,
    readonly method?: string,
    readonly chatId?: number | string,
  ) {
    const target = method ? ` ${method}${chatId === undefined ? '' : ` to chat ${chatId}`}` : '';
    super(`outbound send${target} held back: the next slot is in ${retryAfterMs} ms`);
  }
}
