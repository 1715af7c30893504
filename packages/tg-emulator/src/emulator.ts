import { invokeMethod } from './bot-api/dispatcher';
import type { Update } from './bot-api/telegram-types';
import type { CallFilter, RecordedCall } from './call-log';
import type { ChatMessage } from './chat-message';
import { EmulatorCore } from './core';
import type { EventFilter, LoggedEvent } from './event-log';
import type { FaultRule } from './faults';
import type { FloodLimits } from './flood-control';
import { type EmulatorOptions, resolveOptions } from './options';
import { EmulatorServer } from './server';
import { sendUserMedia, type UserMediaInput } from './user-media';
import { injectUpdate, sendUserMessage, type UserMessageInput } from './user-messages';
import { botMessages, chatHistory, type WebhookSummary, webhookOf } from './views';

/** A running emulator. Helpers that take an optional `token` use the only bot when it is omitted. */
export interface Emulator {
  /** Base URL, e.g. http://127.0.0.1:54321; grammY's `apiRoot`. */
  url: string;
  /** Stops the server, ends long polls and event streams, and aborts webhook deliveries. */
  close(): Promise<void>;
  /**
   * A user writes a message to the bot: creates chat/user as needed, makes a Message update, then
   * delivers it (webhook if set, else kept for getUpdates). Returns the Update.
   */
  sendUserMessage(input: UserMessageInput): Update;
  /**
   * A user sends a photo, document, voice note or audio file (from bytes, or a voice note that
   * says `speak` in tone speech). The bot can getFile and download it. Returns the Update.
   */
  sendUserMedia(input: UserMediaInput): Update;
  /** Injects a raw update (update_id assigned when missing) for a bot, delivered like above. */
  injectUpdate(update: Record<string, unknown>, token?: string): Update;
  /** Every Bot API call the bots made, in order. */
  calls(filter?: CallFilter): RecordedCall[];
  /** Messages the bot sent, as they are now (after edits), in order. Drafts are not messages. */
  botMessages(chatId?: number, token?: string): ChatMessage[];
  /** All messages of a chat (user's and bot's) in order. */
  chatHistory(chatId: number, token?: string): ChatMessage[];
  /** Queues a fault: the next `times` matching calls (default 1) get this error instead of running. */
  failNext(rule: FaultRule): void;
  clearFaults(): void;
  /** Delivers an already-made update again (Telegram re-delivery). */
  redeliver(updateId: number, token?: string): void;
  /** Clears chats, users, calls, faults and updates; bots and their webhook settings stay. */
  reset(): void;
  /** The webhook currently set for a bot, if any. */
  webhook(token?: string): WebhookSummary | undefined;
  /** Chat events so far (messages, edits, drafts, actions, deletes), in order, with `seq` and `at`. */
  events(filter?: EventFilter): LoggedEvent[];
  /**
   * Turns Telegram's flood limits on (`true`: defaults; an object: some limits overridden) or off
   * (`false`); returns the limits now in force. Counters start afresh.
   */
  setFloodLimits(limits: boolean | Partial<FloodLimits>): FloodLimits | undefined;
}

/** Starts the emulator's HTTP server and resolves once it listens. */
export async function startEmulator(opts?: EmulatorOptions): Promise<Emulator> {
  const options = resolveOptions(opts);
  const shutdown = new AbortController();
  const core: EmulatorCore = new EmulatorCore(options, (bot, payload) => {
    const { method, ...params } = payload;
    void invokeMethod(core, bot.token, String(method), params, {
      signal: shutdown.signal,
      via: 'webhook-reply',
    });
  });
  const server = new EmulatorServer(core);
  const address = await server.listen(options.port, options.host);
  const url = `http://${urlHost(options.host)}:${address.port}`;
  options.logger.info({ url }, 'tg-emulator listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    close: () => {
      closing ??= (async () => {
        shutdown.abort();
        core.delivery.close();
        await server.close();
      })();
      return closing;
    },
    sendUserMessage: (input) => sendUserMessage(core, input),
    sendUserMedia: (input) => sendUserMedia(core, input),
    injectUpdate: (update, token) => injectUpdate(core, update, token),
    calls: (filter) => core.calls.list(filter),
    botMessages: (chatId, token) => botMessages(core, chatId, token),
    chatHistory: (chatId, token) => chatHistory(core, chatId, token),
    failNext: (rule) => {
      if (!Number.isInteger(rule.errorCode))
        throw new Error('tg-emulator: failNext needs an integer errorCode');
      core.faults.add(rule);
    },
    clearFaults: () => core.faults.clear(),
    redeliver: (updateId, token) => {
      core.redeliver(core.state.resolveBot(token), updateId);
    },
    reset: () => core.reset(),
    webhook: (token) => webhookOf(core.state.resolveBot(token)),
    events: (filter) => core.eventLog.list(filter),
    setFloodLimits: (limits) => core.flood.configure(limits),
  };
}

/** The host to put in URLs: wildcard addresses are reached through loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
