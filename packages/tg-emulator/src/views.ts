import type { Chat } from './bot-api/telegram-types';
import type { ChatMessage } from './chat-message';
import type { EmulatorCore } from './core';
import { type BotState, type StoredMessage, toChatMessage } from './state';

/** Read-only views of the emulator's state, shared by the library helpers and the control API. */

export interface BotSummary {
  id: number;
  token: string;
  username: string;
  firstName: string;
  webhook?: WebhookSummary;
  pendingUpdateCount: number;
}

export interface WebhookSummary {
  url: string;
  secretToken?: string;
  maxConnections: number;
}

export interface ChatSummary {
  botId: number;
  chat: Chat;
  messageCount: number;
  /** Unix seconds of the newest message. */
  lastMessageDate?: number;
  /** The draft the bot is streaming, while Telegram would still show it. */
  draft?: { draftId: number; text: string };
}

export function listBots(core: EmulatorCore): BotSummary[] {
  return [...core.state.bots.values()].map((bot) => {
    const summary: BotSummary = {
      id: bot.id,
      token: bot.token,
      username: bot.user.username ?? '',
      firstName: bot.user.first_name,
      pendingUpdateCount: bot.updates.pending.length,
    };
    const webhook = webhookOf(bot);
    if (webhook) summary.webhook = webhook;
    return summary;
  });
}

export function webhookOf(bot: BotState): WebhookSummary | undefined {
  if (!bot.webhook) return undefined;
  const { url, secretToken, maxConnections } = bot.webhook;
  return secretToken === undefined ? { url, maxConnections } : { url, secretToken, maxConnections };
}

/** The bots a view covers: the token's bot, or every bot. */
export function botsFor(core: EmulatorCore, token?: string): BotState[] {
  return token === undefined ? [...core.state.bots.values()] : [core.state.resolveBot(token)];
}

/** Every message of a chat (user's and bot's) in order. */
export function chatHistory(core: EmulatorCore, chatId: number, token?: string): ChatMessage[] {
  return collect(core, token, (bot) => bot.chats.get(chatId)?.messages ?? []);
}

/** The bot's messages as they are now (after edits), of one chat or of all chats. */
export function botMessages(core: EmulatorCore, chatId?: number, token?: string): ChatMessage[] {
  return collect(core, token, (bot) => {
    const chats =
      chatId === undefined ? [...bot.chats.values()] : [bot.chats.get(chatId)].filter((c) => c !== undefined);
    return chats.flatMap((c) => c.messages.filter((m) => m.fromBot));
  });
}

export function listChats(core: EmulatorCore, token?: string): ChatSummary[] {
  return botsFor(core, token).flatMap((bot) =>
    [...bot.chats.values()].map((c) => {
      const summary: ChatSummary = { botId: bot.id, chat: c.chat, messageCount: c.messages.length };
      const last = c.messages.at(-1);
      if (last) summary.lastMessageDate = last.message.date;
      const draft = core.state.currentDraft(c);
      if (draft) summary.draft = { draftId: draft.draftId, text: draft.text };
      return summary;
    }),
  );
}

function collect(
  core: EmulatorCore,
  token: string | undefined,
  pick: (bot: BotState) => StoredMessage[],
): ChatMessage[] {
  const items = botsFor(core, token).flatMap((bot) => pick(bot).map((stored) => ({ bot, stored })));
  return items
    .sort((a, b) => a.stored.seq - b.stored.seq)
    .map(({ bot, stored }) => toChatMessage(bot, stored));
}
