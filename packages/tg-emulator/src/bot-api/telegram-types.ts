/**
 * The subset of Bot API objects the emulator builds itself, with Telegram's snake_case field
 * names. Objects that are only passed through (keyboards, link preview options) stay `unknown`.
 */

export interface User {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** getMe's answer: a User plus the bot-only capability flags. */
export interface BotUser extends User {
  can_join_groups: boolean;
  can_read_all_group_messages: boolean;
  supports_inline_queries: boolean;
  can_connect_to_business: boolean;
  has_main_web_app: boolean;
  has_topics_enabled: boolean;
  allows_users_to_create_topics: boolean;
}

export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface Chat {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
}

export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  user?: User;
  language?: string;
  custom_emoji_id?: string;
}

export interface Message {
  message_id: number;
  message_thread_id?: number;
  from?: User;
  chat: Chat;
  date: number;
  edit_date?: number;
  reply_to_message?: Message;
  text?: string;
  entities?: MessageEntity[];
  photo?: PhotoSize[];
  document?: Document;
  voice?: Voice;
  audio?: Audio;
  caption?: string;
  caption_entities?: MessageEntity[];
  link_preview_options?: unknown;
  reply_markup?: unknown;
}

/** One size of a photo. */
export interface PhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

/** A general file (an image sent "as a file" is a document with its mime_type). */
export interface Document {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size?: number;
}

/** A voice note. */
export interface Voice {
  file_id: string;
  file_unique_id: string;
  /** Seconds, as defined by the sender. */
  duration: number;
  mime_type?: string;
  file_size?: number;
}

/** An audio file to be treated as music. */
export interface Audio {
  file_id: string;
  file_unique_id: string;
  duration: number;
  performer?: string;
  title?: string;
  file_name?: string;
  mime_type?: string;
  file_size?: number;
}

/** getFile's answer: download it from `/file/bot<token>/<file_path>`. */
export interface File {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  file_path?: string;
}

/** An update: `update_id` plus exactly one payload field (message, callback_query, ...). */
export interface Update {
  update_id: number;
  message?: Message;
  edited_message?: Message;
  [field: string]: unknown;
}

export interface WebhookInfo {
  url: string;
  has_custom_certificate: boolean;
  pending_update_count: number;
  ip_address?: string;
  last_error_date?: number;
  last_error_message?: string;
  max_connections?: number;
  allowed_updates?: string[];
}

export interface BotCommand {
  command: string;
  description: string;
}

/** The JSON envelope of every Bot API answer. */
export type ApiResponse =
  | { ok: true; result: unknown; description?: string }
  | { ok: false; error_code: number; description: string; parameters?: ResponseParameters };

export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}
