import type { BotCommand, BotUser, Chat, Message, MessageEntity, User } from './bot-api/telegram-types';
import type { ChatMedia, ChatMessage } from './chat-message';
import type { EventHub } from './events';
import { UpdateQueue } from './update-queue';

/**
 * The in-memory world: bots (one per token), the chats each bot has, their messages, and the
 * users writing to the bots. Every change visible in a chat is also published on the event hub.
 */

/** Well-formed bot tokens, like Telegram's "123456:AA..." (the emulator accepts shorter secrets). */
export const TOKEN_PATTERN = /^\d+:[A-Za-z0-9_-]{10,}$/;

export interface StoredMessage {
  /** Emulator-wide arrival order, to list messages of several chats in order. */
  seq: number;
  /** The Message object as the Bot API last returned it. */
  message: Message;
  fromBot: boolean;
  parseMode?: string;
  editCount: number;
}

/** sendMessageDraft's latest state for a chat; Telegram shows it for at most 30 seconds. */
export interface Draft {
  draftId: number;
  text: string;
  entities: MessageEntity[];
  /** Epoch ms. */
  at: number;
}

/** How long a draft stays visible without an update, like Telegram's. */
export const DRAFT_TTL_MS = 30_000;

export interface ChatState {
  chat: Chat;
  nextMessageId: number;
  messages: StoredMessage[];
  draft?: Draft;
}

export interface WebhookConfig {
  url: string;
  secretToken?: string;
  maxConnections: number;
  ipAddress?: string;
}

export interface BotIdentity {
  username?: string;
  firstName?: string;
}

export class BotState {
  readonly chats = new Map<number, ChatState>();
  readonly updates = new UpdateQueue();
  webhook?: WebhookConfig;
  /** allowed_updates of the last setWebhook/getUpdates that gave it; empty means Telegram's default set. */
  allowedUpdates: string[] = [];
  /** Unix seconds. */
  lastErrorDate?: number;
  lastErrorMessage?: string;
  /** setMyCommands lists by scope and language. */
  readonly commands = new Map<string, BotCommand[]>();
  /** The getUpdates request now long-polling, so that a newer one can end it with 409 like Telegram. */
  activePoll?: { terminate(): void };

  constructor(
    readonly token: string,
    readonly user: BotUser,
  ) {}

  get id(): number {
    return this.user.id;
  }

  /** The bot as the `from` of its messages (without getMe's capability flags). */
  get sender(): User {
    const { id, is_bot, first_name, username } = this.user;
    return username === undefined ? { id, is_bot, first_name } : { id, is_bot, first_name, username };
  }
}

export interface StateConfig {
  tokens?: string[];
  botNames?: Record<string, BotIdentity>;
  /** @defaultValue 5_000 */
  maxMessagesPerChat?: number;
}

export class EmulatorState {
  readonly bots = new Map<string, BotState>();
  readonly users = new Map<number, User>();
  private readonly allowedTokens: ReadonlySet<string> | undefined;
  private readonly maxMessagesPerChat: number;
  private chatSeq = 0;
  private messageSeq = 0;

  constructor(
    private readonly config: StateConfig,
    private readonly events: EventHub,
  ) {
    const tokens = config.tokens ?? [];
    for (const token of tokens) {
      if (!TOKEN_PATTERN.test(token)) throw new Error(`tg-emulator: malformed bot token "${token}"`);
    }
    this.allowedTokens = tokens.length > 0 ? new Set(tokens) : undefined;
    this.maxMessagesPerChat = config.maxMessagesPerChat ?? 5_000;
    for (const token of tokens) this.createBot(token);
  }

  /** The bot a request's token belongs to, or undefined when Telegram would answer 401. */
  authenticate(token: string): BotState | undefined {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const known = this.bots.get(token);
    if (known) return known;
    if (this.allowedTokens) return undefined;
    return this.createBot(token);
  }

  /**
   * The bot a helper means: the given token's, else the only configured or known bot.
   * @throws Error when the token is refused or the choice is ambiguous.
   */
  resolveBot(token?: string): BotState {
    if (token !== undefined) {
      const bot = this.authenticate(token);
      if (!bot)
        throw new Error(`tg-emulator: token "${token}" is malformed or not among the configured tokens`);
      return bot;
    }
    const [only, ...others] = this.bots.values();
    if (only && others.length === 0) return only;
    if (!only) throw new Error('tg-emulator: no bot is known yet; pass a token (or configure tokens)');
    throw new Error(
      `tg-emulator: ${this.bots.size} bots are known (${[...this.bots.values()].map((b) => b.id).join(', ')}); pass a token`,
    );
  }

  botById(id: number): BotState | undefined {
    return [...this.bots.values()].find((b) => b.id === id);
  }

  /** A chat by numeric id or "@username", as the chat_id parameter allows. */
  findChat(bot: BotState, chatId: unknown): ChatState | undefined {
    if (typeof chatId === 'number') return bot.chats.get(chatId);
    if (typeof chatId === 'string' && chatId.startsWith('@')) {
      const username = chatId.slice(1).toLowerCase();
      return [...bot.chats.values()].find((c) => c.chat.username?.toLowerCase() === username);
    }
    return undefined;
  }

  /** Registers a chat, or refreshes its names; returns its state. */
  ensureChat(bot: BotState, chat: Chat): ChatState {
    const existing = bot.chats.get(chat.id);
    if (existing) {
      existing.chat = { ...existing.chat, ...chat };
      return existing;
    }
    const created: ChatState = { chat: { ...chat }, nextMessageId: 1, messages: [] };
    bot.chats.set(chat.id, created);
    return created;
  }

  /** Registers a user or merges newer details into the known one. */
  rememberUser(user: User): User {
    const merged = { ...this.users.get(user.id), ...user };
    this.users.set(user.id, merged);
    return merged;
  }

  /** A fresh number for generated group ids. */
  nextChatSeq(): number {
    return ++this.chatSeq;
  }

  takeMessageId(chat: ChatState): number {
    return chat.nextMessageId++;
  }

  /** Stores a new message of the chat (a bot's one ends the chat's draft) and publishes it. */
  appendMessage(
    bot: BotState,
    chat: ChatState,
    message: Message,
    meta: { fromBot: boolean; parseMode?: string },
  ): StoredMessage {
    chat.nextMessageId = Math.max(chat.nextMessageId, message.message_id + 1);
    const stored: StoredMessage = { seq: ++this.messageSeq, message, fromBot: meta.fromBot, editCount: 0 };
    if (meta.parseMode !== undefined) stored.parseMode = meta.parseMode;
    chat.messages.push(stored);
    if (chat.messages.length > this.maxMessagesPerChat)
      chat.messages.splice(0, chat.messages.length - this.maxMessagesPerChat);
    if (meta.fromBot) chat.draft = undefined;
    this.events.emit({
      type: 'message',
      botId: bot.id,
      chatId: chat.chat.id,
      message: toChatMessage(bot, stored),
    });
    return stored;
  }

  findMessage(chat: ChatState, messageId: number): StoredMessage | undefined {
    return chat.messages.find((m) => m.message.message_id === messageId);
  }

  /** Replaces a message after an edit and publishes it. */
  replaceMessage(
    bot: BotState,
    chat: ChatState,
    stored: StoredMessage,
    message: Message,
    parseMode: string | undefined,
  ): void {
    stored.message = message;
    stored.editCount++;
    if (parseMode === undefined) delete stored.parseMode;
    else stored.parseMode = parseMode;
    this.events.emit({
      type: 'edit',
      botId: bot.id,
      chatId: chat.chat.id,
      message: toChatMessage(bot, stored),
    });
  }

  deleteMessage(bot: BotState, chat: ChatState, messageId: number): boolean {
    const index = chat.messages.findIndex((m) => m.message.message_id === messageId);
    if (index < 0) return false;
    chat.messages.splice(index, 1);
    this.events.emit({ type: 'delete', botId: bot.id, chatId: chat.chat.id, messageId });
    return true;
  }

  setDraft(bot: BotState, chat: ChatState, draft: Draft): void {
    chat.draft = draft;
    const event = {
      type: 'draft' as const,
      botId: bot.id,
      chatId: chat.chat.id,
      draftId: draft.draftId,
      text: draft.text,
    };
    this.events.emit(draft.entities.length > 0 ? { ...event, entities: draft.entities } : event);
  }

  /** The chat's draft while Telegram would still show it. */
  currentDraft(chat: ChatState, now = Date.now()): Draft | undefined {
    return chat.draft && now - chat.draft.at < DRAFT_TTL_MS ? chat.draft : undefined;
  }

  publishAction(bot: BotState, chat: ChatState, action: string): void {
    this.events.emit({ type: 'action', botId: bot.id, chatId: chat.chat.id, action });
  }

  /** Forgets chats, users and updates; bots, their webhooks and update ids stay. */
  reset(): void {
    for (const bot of this.bots.values()) {
      bot.chats.clear();
      bot.updates.clear();
      bot.lastErrorDate = undefined;
      bot.lastErrorMessage = undefined;
    }
    this.users.clear();
    this.events.emit({ type: 'reset' });
  }

  private createBot(token: string): BotState {
    const id = Number(token.slice(0, token.indexOf(':')));
    const names = this.config.botNames?.[token] ?? this.config.botNames?.[String(id)] ?? {};
    const bot = new BotState(token, {
      id,
      is_bot: true,
      first_name: names.firstName ?? 'Parley',
      username: names.username ?? `parley_${id}_bot`,
      can_join_groups: true,
      can_read_all_group_messages: true,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
    });
    this.bots.set(token, bot);
    return bot;
  }
}

/** The helper/control-API view of a stored message. */
export function toChatMessage(bot: BotState, stored: StoredMessage): ChatMessage {
  const m = stored.message;
  const out: ChatMessage = {
    messageId: m.message_id,
    chatId: m.chat.id,
    botId: bot.id,
    text: m.text ?? '',
    date: m.date,
    editCount: stored.editCount,
    fromBot: stored.fromBot,
  };
  if (m.entities && m.entities.length > 0) out.entities = m.entities;
  if (m.caption !== undefined) out.caption = m.caption;
  if (m.caption_entities && m.caption_entities.length > 0) out.captionEntities = m.caption_entities;
  const media = mediaOf(m);
  if (media) out.media = media;
  if (stored.parseMode !== undefined) out.parseMode = stored.parseMode;
  if (m.edit_date !== undefined) out.editDate = m.edit_date;
  if (m.from) out.from = m.from;
  if (m.reply_to_message) out.replyToMessageId = m.reply_to_message.message_id;
  if (m.message_thread_id !== undefined) out.threadId = m.message_thread_id;
  if (m.reply_markup !== undefined) out.replyMarkup = m.reply_markup;
  return out;
}

/** The file of a media message: a photo's largest size, or its document, voice note or audio. */
function mediaOf(m: Message): ChatMedia | undefined {
  const photo = m.photo?.at(-1);
  const file = photo ?? m.document ?? m.voice ?? m.audio;
  if (!file) return undefined;
  const kind = photo ? 'photo' : m.document ? 'document' : m.voice ? 'voice' : 'audio';
  const media: ChatMedia = { kind, fileId: file.file_id, fileUniqueId: file.file_unique_id };
  if (file.file_size !== undefined) media.fileSize = file.file_size;
  if ('mime_type' in file && file.mime_type !== undefined) media.mimeType = file.mime_type;
  if ('file_name' in file && file.file_name !== undefined) media.fileName = file.file_name;
  if ('width' in file) {
    media.width = file.width;
    media.height = file.height;
  }
  if ('duration' in file) media.duration = file.duration;
  return media;
}
