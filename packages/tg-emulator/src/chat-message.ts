import type { MessageEntity, User } from './bot-api/telegram-types';

/** A message as the emulator's helpers and control API show it (camelCase, after edits). */
export interface ChatMessage {
  messageId: number;
  chatId: number;
  /** The bot whose conversation this is. */
  botId: number;
  text: string;
  entities?: MessageEntity[];
  /** The parse_mode the bot used, as given. */
  parseMode?: string;
  /** Unix seconds, like Telegram's. */
  date: number;
  /** Unix seconds of the last edit. */
  editDate?: number;
  editCount: number;
  fromBot: boolean;
  from?: User;
  replyToMessageId?: number;
  threadId?: number;
  replyMarkup?: unknown;
}
