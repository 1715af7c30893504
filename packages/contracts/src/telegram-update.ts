import { z } from 'zod';

/**
 * The part of a Telegram Update that Parley relies on. Everything else is kept as sent
 * (`looseObject`), so new Bot API fields pass through to the worker untouched.
 */

const userSchema = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

const chatSchema = z.looseObject({
  id: z.number().int(),
  type: z.enum(['private', 'group', 'supergroup', 'channel']),
});

export const telegramMessageSchema = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int(),
  chat: chatSchema,
  from: userSchema.optional(),
  text: z.string().optional(),
  message_thread_id: z.number().int().optional(),
});

export const telegramUpdateSchema = z.looseObject({
  update_id: z
    .number({ error: 'update_id must be an integer' })
    .int({ error: 'update_id must be an integer' })
    .nonnegative({
      error: 'update_id must not be negative',
    }),
  message: telegramMessageSchema.optional(),
  edited_message: telegramMessageSchema.optional(),
  channel_post: telegramMessageSchema.optional(),
  edited_channel_post: telegramMessageSchema.optional(),
});

export type TelegramUpdate = z.infer<typeof telegramUpdateSchema>;
export type TelegramMessage = z.infer<typeof telegramMessageSchema>;

/** The kinds of update Telegram sends, by the field that carries them; used as a bounded metric label. */
export const UPDATE_KINDS = [
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'message_reaction',
  'message_reaction_count',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'purchased_paid_media',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
] as const;
export type UpdateKind = (typeof UPDATE_KINDS)[number] | 'unknown';

export function updateKind(update: TelegramUpdate): UpdateKind {
  for (const kind of UPDATE_KINDS) if (update[kind] !== undefined) return kind;
  return 'unknown';
}

/** The chat an update belongs to, when it has one; per-chat ordering and keys hang on it. */
export function updateChatId(update: TelegramUpdate): number | undefined {
  const carrier = (update.message ??
    update.edited_message ??
    update.channel_post ??
    update.edited_channel_post) as { chat?: { id?: unknown } } | undefined;
  if (typeof carrier?.chat?.id === 'number') return carrier.chat.id;
  for (const field of [
    'callback_query',
    'my_chat_member',
    'chat_member',
    'chat_join_request',
    'message_reaction',
  ]) {
    const value = update[field] as
      | { chat?: { id?: unknown }; message?: { chat?: { id?: unknown } } }
      | undefined;
    const id = value?.chat?.id ?? value?.message?.chat?.id;
    if (typeof id === 'number') return id;
  }
  return undefined;
}
