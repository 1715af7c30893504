import type { ChatState } from '../state';
import { badRequest } from './api-error';
import { type FormattedText, formatText } from './formatted-text';
import type { MethodContext, MethodHandler } from './method-context';
import { chatIdParam, isPlainObject, optionalInt } from './params';
import type { Message } from './telegram-types';

/** sendChatAction's accepted actions (the last two are old aliases Telegram still takes). */
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
  'record_audio',
  'upload_audio',
]);

export const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

/** sendMessage, editMessageText, editMessageReplyMarkup, sendMessageDraft, sendChatAction, deleteMessage. */
export const messageMethods: Record<string, MethodHandler> = {
  sendMessage: (ctx, params) => {
    const formatted = format(ctx, params);
    const chat = requireChat(ctx, params);
    const replyTo = replyTarget(ctx, chat, params);
    const message: Message = {
      message_id: ctx.core.state.takeMessageId(chat),
      from: ctx.bot.sender,
      chat: chat.chat,
      date: unixNow(),
    };
    const threadId = optionalInt(params, 'message_thread_id');
    if (threadId !== undefined && chat.chat.type === 'supergroup') message.message_thread_id = threadId;
    if (replyTo) message.reply_to_message = withoutReply(replyTo);
    setText(message, formatted);
    if (isPlainObject(params.link_preview_options))
      message.link_preview_options = params.link_preview_options;
    const markup = inlineMarkup(params.reply_markup);
    if (markup !== undefined) message.reply_markup = markup;
    ctx.core.state.appendMessage(ctx.bot, chat, message, withParseMode({ fromBot: true }, formatted));
    return message;
  },

  editMessageText: (ctx, params) => {
    if (params.inline_message_id !== undefined && params.chat_id === undefined) {
      // Inline messages exist only after inline queries, which the emulator does not produce.
      throw badRequest('MESSAGE_ID_INVALID');
    }
    chatIdParam(params);
    const messageId = optionalInt(params, 'message_id');
    if (messageId === undefined) throw badRequest('message identifier is not specified');
    const formatted = format(ctx, params);
    const chat = requireChat(ctx, params);
    const stored = ctx.core.state.findMessage(chat, messageId);
    if (!stored) throw badRequest('message to edit not found');
    if (!stored.fromBot) throw badRequest("message can't be edited");

    const current = stored.message;
    const markup = inlineMarkup(params.reply_markup);
    const sameText = current.text === formatted.text;
    const sameEntities = JSON.stringify(current.entities ?? []) === JSON.stringify(formatted.entities);
    const sameMarkup = JSON.stringify(current.reply_markup) === JSON.stringify(markup);
    if (sameText && sameEntities && sameMarkup) throw badRequest(NOT_MODIFIED);

    const { text: _text, entities: _entities, reply_markup: _markup, edit_date: _date, ...rest } = current;
    const edited: Message = { ...rest, edit_date: unixNow() };
    setText(edited, formatted);
    if (markup !== undefined) edited.reply_markup = markup;
    ctx.core.state.replaceMessage(ctx.bot, chat, stored, edited, formatted.parseMode);
    return edited;
  },

  editMessageReplyMarkup: (ctx, params) => {
    if (params.inline_message_id !== undefined && params.chat_id === undefined) {
      throw badRequest('MESSAGE_ID_INVALID');
    }
    chatIdParam(params);
    const messageId = optionalInt(params, 'message_id');
    if (messageId === undefined) throw badRequest('message identifier is not specified');
    const chat = requireChat(ctx, params);
    const stored = ctx.core.state.findMessage(chat, messageId);
    if (!stored) throw badRequest('message to edit not found');
    if (!stored.fromBot) throw badRequest("message can't be edited");
    const current = stored.message;
    const markup = inlineMarkup(params.reply_markup);
    // An empty keyboard and no keyboard are the same to Telegram.
    const normalise = (m: unknown) =>
      m &&
      typeof m === 'object' &&
      Array.isArray((m as { inline_keyboard?: unknown[] }).inline_keyboard) &&
      (m as { inline_keyboard: unknown[] }).inline_keyboard.length > 0
        ? JSON.stringify(m)
        : 'none';
    if (normalise(current.reply_markup) === normalise(markup)) throw badRequest(NOT_MODIFIED);
    const { reply_markup: _markup, edit_date: _date, ...rest } = current;
    const edited: Message = { ...rest, edit_date: unixNow() };
    if (normalise(markup) !== 'none' && markup !== undefined) edited.reply_markup = markup;
    ctx.core.state.replaceMessage(ctx.bot, chat, stored, edited, stored.parseMode);
    return edited;
  },

  sendMessageDraft: (ctx, params) => {
    const chatId = params.chat_id;
    const draftId = optionalInt(params, 'draft_id');
    if (draftId === 0) throw badRequest('draft_id must be non-zero');
    const formatted = formatText(params.text, params.parse_mode, params.entities, {
      allowEmpty: true,
      resolveUser: (id) => ctx.core.state.users.get(id),
    });
    const chat = typeof chatId === 'number' ? ctx.core.state.findChat(ctx.bot, chatId) : undefined;
    if (!chat) throw badRequest('chat not found');
    if (chat.chat.type !== 'private') throw badRequest('message drafts can be sent only to private chats');
    ctx.core.state.setDraft(ctx.bot, chat, {
      draftId: draftId as number,
      text: formatted.text,
      entities: formatted.entities,
      at: Date.now(),
    });
    return true;
  },

  sendChatAction: (ctx, params) => {
    const chat = requireChat(ctx, params);
    const action = params.action;
    if (typeof action !== 'string' || !CHAT_ACTIONS.has(action)) {
      throw badRequest('wrong parameter action in request');
    }
    ctx.core.state.publishAction(ctx.bot, chat, action);
    return true;
  },

  deleteMessage: (ctx, params) => {
    const chat = requireChat(ctx, params);
    const messageId = optionalInt(params, 'message_id');
    if (messageId === undefined || !ctx.core.state.deleteMessage(ctx.bot, chat, messageId)) {
      throw badRequest('message to delete not found');
    }
    return true;
  },
};

function format(ctx: MethodContext, params: Record<string, unknown>): FormattedText {
  return formatText(params.text, params.parse_mode, params.entities, {
    resolveUser: (id) => ctx.core.state.users.get(id),
  });
}

export function requireChat(ctx: MethodContext, params: Record<string, unknown>): ChatState {
  const chat = ctx.core.state.findChat(ctx.bot, chatIdParam(params));
  if (!chat) throw badRequest('chat not found');
  return chat;
}

/** The message being replied to, from reply_parameters or the older reply_to_message_id. */
function replyTarget(
  ctx: MethodContext,
  chat: ChatState,
  params: Record<string, unknown>,
): Message | undefined {
  let messageId: number | undefined;
  let allowWithout = params.allow_sending_without_reply === true;
  const reply = params.reply_parameters;
  if (reply !== undefined) {
    if (!isPlainObject(reply) || typeof reply.message_id !== 'number') {
      throw badRequest("can't parse reply parameters JSON object");
    }
    messageId = reply.message_id;
    allowWithout = reply.allow_sending_without_reply === true;
    const otherChat = reply.chat_id;
    if (otherChat !== undefined && otherChat !== chat.chat.id) {
      // Replies across chats are not modelled; Telegram would quote the other chat's message.
      if (allowWithout) return undefined;
      throw badRequest('message to be replied not found');
    }
  } else {
    messageId = optionalInt(params, 'reply_to_message_id');
  }
  if (messageId === undefined) return undefined;
  const target = ctx.core.state.findMessage(chat, messageId);
  if (target) return target.message;
  if (allowWithout) return undefined;
  throw badRequest('message to be replied not found');
}

function withoutReply(message: Message): Message {
  const { reply_to_message: _nested, ...rest } = message;
  return rest;
}

function setText(message: Message, formatted: FormattedText): void {
  message.text = formatted.text;
  if (formatted.entities.length > 0) message.entities = formatted.entities;
}

/** Telegram returns only inline keyboards as a Message's reply_markup. */
function inlineMarkup(markup: unknown): unknown {
  return isPlainObject(markup) && Array.isArray(markup.inline_keyboard) ? markup : undefined;
}

function withParseMode<T extends object>(meta: T, formatted: FormattedText): T & { parseMode?: string } {
  return formatted.parseMode === undefined ? meta : { ...meta, parseMode: formatted.parseMode };
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
