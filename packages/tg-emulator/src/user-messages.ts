import { isPlainObject } from './bot-api/params';
import type { Chat, ChatType, Message, Update, User } from './bot-api/telegram-types';
import type { EmulatorCore } from './core';
import { detectEntities } from './markup/auto-entities';
import { isSpace } from './markup/entities';
import type { BotState } from './state';

/** Who writes to which bot, in which chat: a user message without its content. */
export interface UserMessageTarget {
  /** The bot written to; may be omitted when only one bot is configured or known. */
  token?: string;
  /** Private chats: the user id (default). Groups: a negative id; a new one is made when omitted. */
  chatId?: number;
  /** @defaultValue 100001, or chatId for a private chat */
  userId?: number;
  /** @defaultValue 'private', or 'group'/'supergroup' for a negative chatId (-100… is a supergroup) */
  chatType?: 'private' | 'group' | 'supergroup';
  /** @defaultValue the known user's name, 'Alice' for the default user, else "User <id>" */
  firstName?: string;
  username?: string;
  /** Title of a new group chat. @defaultValue "Group <n>" */
  chatTitle?: string;
  /** Makes the message a reply to this message of the chat. */
  replyToMessageId?: number;
}

/** What a user writes to a bot (see Emulator.sendUserMessage). */
export interface UserMessageInput extends UserMessageTarget {
  text: string;
}

export const DEFAULT_USER_ID = 100001;

/**
 * A user sends a text message to the bot: the user and chat are created as needed, the message
 * is stored in the chat, and a `message` update is delivered (webhook or getUpdates).
 */
export function sendUserMessage(core: EmulatorCore, input: UserMessageInput): Update {
  core.state.resolveBot(input.token);
  if (typeof input.text !== 'string') throw new Error('tg-emulator: text must be a string');
  const text = trimBlanks(input.text);
  if (text === '') throw new Error('tg-emulator: text is empty');
  if (text.length > 4096) throw new Error('tg-emulator: text is longer than 4096 characters');
  return postUserMessage(core, input, (message) => {
    message.text = text;
    const entities = detectEntities(text, []);
    if (entities.length > 0) message.entities = entities;
  });
}

/**
 * Posts a user's message: resolves the bot, the user and the chat (creating them as needed),
 * lets `fill` add the content, stores the message and delivers its `message` update.
 */
export function postUserMessage(
  core: EmulatorCore,
  input: UserMessageTarget,
  fill: (message: Message, bot: BotState) => void,
): Update {
  const bot = core.state.resolveBot(input.token);
  const type = chatTypeOf(input);
  let chatId: number;
  let userId: number;
  if (type === 'private') {
    userId = input.userId ?? input.chatId ?? DEFAULT_USER_ID;
    if (input.chatId !== undefined && input.chatId !== userId) {
      throw new Error('tg-emulator: a private chat id is the id of its user (chatId must equal userId)');
    }
    chatId = userId;
  } else {
    userId = input.userId ?? DEFAULT_USER_ID;
    chatId = input.chatId ?? newGroupId(core, type);
    if (chatId >= 0) throw new Error('tg-emulator: group chat ids are negative');
  }
  if (!Number.isSafeInteger(userId) || userId <= 0)
    throw new Error('tg-emulator: userId must be a positive integer');
  const existing = bot.chats.get(chatId);

  const user = rememberUser(core, {
    id: userId,
    firstName: input.firstName,
    username: input.username,
  });
  const chat = core.state.ensureChat(bot, chatFor(type, chatId, user, input.chatTitle, existing?.chat));

  const message: Message = {
    message_id: core.state.takeMessageId(chat),
    from: user,
    chat: chat.chat,
    date: Math.floor(Date.now() / 1000),
  };
  if (input.replyToMessageId !== undefined) {
    const target = core.state.findMessage(chat, input.replyToMessageId);
    if (!target) throw new Error(`tg-emulator: message ${input.replyToMessageId} is not in chat ${chatId}`);
    const { reply_to_message: _nested, ...replied } = target.message;
    message.reply_to_message = replied;
  }
  fill(message, bot);

  core.state.appendMessage(bot, chat, message, { fromBot: false });
  const update = bot.updates.assignId({ message });
  core.deliverUpdate(bot, update);
  return update;
}

/**
 * Delivers a raw update. Chats, users and messages it mentions are registered first, so that the
 * bot can answer in that chat like it could on Telegram.
 */
export function injectUpdate(core: EmulatorCore, raw: Record<string, unknown>, token?: string): Update {
  const bot = core.state.resolveBot(token);
  const update = bot.updates.assignId(structuredClone(raw));
  registerUpdate(core, bot, update);
  core.deliverUpdate(bot, update);
  return update;
}

function registerUpdate(core: EmulatorCore, bot: BotState, update: Update): void {
  for (const [field, value] of Object.entries(update)) {
    if (!isPlainObject(value)) continue;
    const message = field === 'callback_query' ? value.message : value;
    if (isPlainObject(value.from) && typeof value.from.id === 'number')
      core.state.rememberUser(value.from as unknown as User);
    if (!isPlainObject(message) || !isPlainObject(message.chat) || typeof message.chat.id !== 'number')
      continue;
    const chat = core.state.ensureChat(bot, message.chat as unknown as Chat);
    if (isPlainObject(message.from) && typeof message.from.id === 'number')
      core.state.rememberUser(message.from as unknown as User);
    if (typeof message.message_id !== 'number') continue;
    const typed = message as unknown as Message;
    const existing = core.state.findMessage(chat, typed.message_id);
    if (field === 'message' || field === 'channel_post') {
      if (!existing) core.state.appendMessage(bot, chat, typed, { fromBot: typed.from?.id === bot.id });
    } else if ((field === 'edited_message' || field === 'edited_channel_post') && existing) {
      core.state.replaceMessage(bot, chat, existing, typed, undefined);
    }
  }
}

function chatTypeOf(input: UserMessageTarget): ChatType {
  if (input.chatType) return input.chatType;
  if (input.chatId !== undefined && input.chatId < 0)
    return String(input.chatId).startsWith('-100') ? 'supergroup' : 'group';
  return 'private';
}

function newGroupId(core: EmulatorCore, type: ChatType): number {
  const seq = core.state.nextChatSeq();
  // Shaped like Telegram's: supergroups are -100…, basic groups are plain negative numbers.
  return type === 'supergroup' ? -(1_000_000_000_000 + seq) : -(4_000_000_000 + seq);
}

function rememberUser(
  core: EmulatorCore,
  input: { id: number; firstName?: string; username?: string },
): User {
  const known = core.state.users.get(input.id);
  const user: User = {
    id: input.id,
    is_bot: false,
    first_name:
      input.firstName ?? known?.first_name ?? (input.id === DEFAULT_USER_ID ? 'Alice' : `User ${input.id}`),
  };
  const username = input.username ?? known?.username;
  if (username) user.username = username;
  user.language_code = known?.language_code ?? 'en';
  return core.state.rememberUser(user);
}

function chatFor(
  type: ChatType,
  id: number,
  user: User,
  title: string | undefined,
  existing: Chat | undefined,
): Chat {
  if (type === 'private') {
    const chat: Chat = { id, type, first_name: user.first_name };
    if (user.username) chat.username = user.username;
    return chat;
  }
  return { id, type, title: title ?? existing?.title ?? `Group ${Math.abs(id) % 10_000}` };
}

function trimBlanks(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text[start])) start++;
  while (end > start && isSpace(text[end - 1])) end--;
  return text.slice(start, end);
}
