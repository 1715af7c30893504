/**
 * @parley/tg-emulator: a stand-in for Telegram's Bot API servers with a chat page, webhook
 * delivery, getUpdates, fault injection and an HTTP control API. See README.md.
 */
export { IMPLEMENTED_METHODS } from './bot-api/dispatcher';
export { BOT_API_VERSION } from './bot-api/method-spec';
export type {
  Audio,
  BotUser,
  Chat,
  Document,
  File,
  Message,
  MessageEntity,
  PhotoSize,
  Update,
  User,
  Voice,
  WebhookInfo,
} from './bot-api/telegram-types';
export type { CallFilter, RecordedCall } from './call-log';
export type { ChatMedia, ChatMessage } from './chat-message';
export { type Emulator, startEmulator } from './emulator';
export type { EventFilter, LoggedEvent } from './event-log';
export type { ChatEvent } from './events';
export type { FaultRule } from './faults';
export { DEFAULT_FLOOD_LIMITS, FLOOD_LIMITED_METHODS, type FloodLimits } from './flood-control';
export { MarkupError, type ParsedText } from './markup/entities';
export { parseHtml } from './markup/html';
export { parseMarkdown } from './markup/markdown';
export { parseMarkdownV2 } from './markup/markdown-v2';
export { DOWNLOAD_LIMIT_BYTES, type FileKind } from './media/file-store';
export { audioDurationSeconds, type ImageInfo, imageInfo, sniffMimeType } from './media/sniff';
export { synthesizeToneSpeech } from './media/tone-speech';
export type { EmulatorLogger, EmulatorOptions } from './options';
export type { BotIdentity } from './state';
export type { UserMediaInput } from './user-media';
export type { UserMessageInput, UserMessageTarget } from './user-messages';
export type { BotSummary, ChatSummary, WebhookSummary } from './views';
