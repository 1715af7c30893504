import type { MessageEntity, User } from './bot-api/telegram-types';

/** A message as the emulator's helpers and control API show it (camelCase, after edits). */
export interface ChatMessage {
  messageId: number;
  chatId: number;
  /** The bot whose conversation this is. */
  botId: number;
  /** The text, or '' for a media message (see `caption` and `media`). */
  text: string;
  entities?: MessageEntity[];
  caption?: string;
  captionEntities?: MessageEntity[];
  /** The photo (its largest size), document, voice note or audio file of the message. */
  media?: ChatMedia;
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

/** A message's file, as the chat page shows it (`GET /_emulator/files/<fileId>` serves it). */
export interface ChatMedia {
  kind: 'photo' | 'document' | 'voice' | 'audio';
  fileId: string;
  fileUniqueId: string;
  fileSize?: number;
  mimeType?: string;
  fileName?: string;
  width?: number;
  height?: number;
  /** Seconds (voice and audio). */
  duration?: number;
}
