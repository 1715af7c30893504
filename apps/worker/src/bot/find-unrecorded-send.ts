import { type Api, GrammyError } from 'grammy';
import type { Redis } from 'ioredis';

/** How far past the user's message a resumed attempt looks for its own unrecorded message. */
const MAX_PROBE = 20;

/**
 * A worker killed after Telegram accepted a message but before the ledger recorded it leaves a
 * message nobody knows about; resending would show the answer twice. The Bot API cannot list a
 * chat, but it can tell, without changing anything, whether a message id is a bot message:
 * `editMessageReplyMarkup` with the (empty) keyboard our messages have answers "message is not
 * modified" for a bot message, "can't be edited" for someone else's, and "not found" past the
 * chat's last message. Message ids of a chat are sequential, and one lane answers a chat at a
 * time, so a bot message after the user's message that is not on record is the lost send.
 */
export async function findUnrecordedSend(
  api: Api,
  redis: Redis,
  sentKey: string,
  chatId: number,
  afterMessageId: number,
): Promise<number | undefined> {
  const onRecord = new Set((await redis.zrange(sentKey, 0, -1)).map(Number));
  for (let id = afterMessageId + 1; id <= afterMessageId + MAX_PROBE; id++) {
    if (onRecord.has(id)) continue;
    try {
      await api.editMessageReplyMarkup(chatId, id, { reply_markup: { inline_keyboard: [] } });
      // It had a keyboard, so it is not one of ours (answers carry none); look further.
    } catch (err) {
      if (!(err instanceof GrammyError) || err.error_code === 429) throw err;
      if (/message is not modified/i.test(err.description)) return id;
      if (/message to edit not found/i.test(err.description)) return undefined;
      // "message can't be edited": the user's message; keep looking.
    }
  }
  return undefined;
}
