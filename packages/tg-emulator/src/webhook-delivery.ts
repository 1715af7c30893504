import http, { type ClientRequest, STATUS_CODES } from 'node:http';
import https from 'node:https';
import type { EmulatorLogger } from './options';
import type { BotState } from './state';
import type { PendingUpdate } from './update-queue';

/** Longest wait between two attempts of one update, like Telegram's backoff ceiling. */
const MAX_RETRY_DELAY_MS = 30_000;
/** Webhook answers are read up to this size (they may carry a method call, see onReply). */
const MAX_REPLY_BYTES = 1 << 20;

export interface WebhookDeliveryOptions {
  retryDelayMs: number;
  timeoutMs: number;
  logger: EmulatorLogger;
  /**
   * Telegram runs a method the webhook returns in its 2xx JSON answer ({"method": ...}); this
   * performs it. Its result is not reported to anyone, like Telegram's.
   */
  onReply: (bot: BotState, payload: Record<string, unknown>) => void;
}

interface BotDelivery {
  inFlight: Set<ClientRequest>;
  timer?: NodeJS.Timeout;
  timerAt?: number;
  agent?: http.Agent;
  agentKey?: string;
}

/**
 * Pushes pending updates to each bot's webhook with Telegram's guarantees: updates of one chat
 * are sent one at a time and in order (the next waits for a 2xx to the previous one), at most
 * max_connections requests are in flight per bot, and a failed update stays pending and is
 * retried after a backoff that doubles per failure, holding back the later updates of its chat.
 */
export class WebhookDelivery {
  private readonly perBot = new Map<BotState, BotDelivery>();
  private closed = false;

  constructor(private readonly opts: WebhookDeliveryOptions) {}

  /** Sends whatever can be sent now; call after updates were added or the webhook changed. */
  kick(bot: BotState): void {
    if (this.closed || !bot.webhook) return;
    const webhook = bot.webhook;
    const state = this.stateOf(bot);
    const now = Date.now();
    const busyChats = new Set<string>();
    let nextWake = Number.POSITIVE_INFINITY;
    for (const entry of bot.updates.pending) {
      if (state.inFlight.size >= webhook.maxConnections) break;
      if (busyChats.has(entry.chatKey)) continue;
      // Whatever happens to this update, later ones of the same chat must wait for it.
      busyChats.add(entry.chatKey);
      if (entry.inFlight) continue;
      if (entry.notBefore > now) {
        nextWake = Math.min(nextWake, entry.notBefore);
        continue;
      }
      this.send(bot, state, entry);
    }
    if (Number.isFinite(nextWake)) this.wakeAt(bot, state, nextWake);
  }

  /** Drops the connections of a bot whose webhook changed or was removed. */
  webhookChanged(bot: BotState): void {
    const state = this.perBot.get(bot);
    if (!state) return;
    if (state.agentKey !== agentKeyOf(bot)) {
      state.agent?.destroy();
      state.agent = undefined;
      state.agentKey = undefined;
    }
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    state.timerAt = undefined;
  }

  /** Aborts in-flight requests and timers; nothing is sent afterwards. */
  close(): void {
    this.closed = true;
    for (const state of this.perBot.values()) {
      if (state.timer) clearTimeout(state.timer);
      for (const req of state.inFlight) req.destroy();
      state.inFlight.clear();
      state.agent?.destroy();
    }
    this.perBot.clear();
  }

  private stateOf(bot: BotState): BotDelivery {
    let state = this.perBot.get(bot);
    if (!state) {
      state = { inFlight: new Set() };
      this.perBot.set(bot, state);
    }
    return state;
  }

  private wakeAt(bot: BotState, state: BotDelivery, at: number): void {
    if (state.timer && state.timerAt !== undefined && state.timerAt <= at) return;
    if (state.timer) clearTimeout(state.timer);
    state.timerAt = at;
    state.timer = setTimeout(
      () => {
        state.timer = undefined;
        state.timerAt = undefined;
        this.kick(bot);
      },
      Math.max(0, at - Date.now()),
    );
  }

  private agentFor(bot: BotState, state: BotDelivery, isHttps: boolean): http.Agent {
    const key = agentKeyOf(bot);
    if (!state.agent || state.agentKey !== key) {
      state.agent?.destroy();
      // Telegram keeps up to max_connections connections open to the webhook.
      const options = { keepAlive: true, maxSockets: bot.webhook?.maxConnections ?? 40 };
      state.agent = isHttps ? new https.Agent(options) : new http.Agent(options);
      state.agentKey = key;
    }
    return state.agent;
  }

  private send(bot: BotState, state: BotDelivery, entry: PendingUpdate): void {
    const webhook = bot.webhook;
    if (!webhook) return;
    entry.inFlight = true;
    const url = new URL(webhook.url);
    const isHttps = url.protocol === 'https:';
    const body = JSON.stringify(entry.update);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    };
    if (webhook.secretToken !== undefined) headers['x-telegram-bot-api-secret-token'] = webhook.secretToken;

    let settled = false;
    const finish = (error: string | undefined, reply?: { contentType: string; body: string }) => {
      if (settled) return;
      settled = true;
      state.inFlight.delete(req);
      entry.inFlight = false;
      if (this.closed) return;
      if (error === undefined) {
        bot.updates.remove(entry);
        if (reply) this.handleReply(bot, reply);
      } else {
        entry.attempts++;
        const delay = Math.min(
          this.opts.retryDelayMs * 2 ** (entry.attempts - 1),
          Math.max(MAX_RETRY_DELAY_MS, this.opts.retryDelayMs),
        );
        entry.notBefore = Date.now() + delay;
        bot.lastErrorDate = Math.floor(Date.now() / 1000);
        bot.lastErrorMessage = error;
        this.opts.logger.warn(
          {
            botId: bot.id,
            updateId: entry.update.update_id,
            attempts: entry.attempts,
            retryInMs: delay,
            error,
          },
          'webhook delivery failed',
        );
      }
      this.kick(bot);
    };

    const request = isHttps ? https.request : http.request;
    const req = request(url, {
      method: 'POST',
      headers,
      agent: this.agentFor(bot, state, isHttps),
      // A self-signed certificate is what setWebhook's `certificate` is for; accept it.
      ...(isHttps ? { rejectUnauthorized: false } : {}),
    });
    state.inFlight.add(req);
    req.setTimeout(this.opts.timeoutMs, () => {
      finish('Read timeout expired');
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish(describeNetworkError(err)));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_REPLY_BYTES) chunks.push(chunk);
      });
      res.on('error', (err: NodeJS.ErrnoException) => finish(describeNetworkError(err)));
      res.on('end', () => {
        if (status >= 200 && status < 300) {
          finish(undefined, {
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          });
        } else {
          finish(`Wrong response from the webhook: ${status} ${STATUS_CODES[status] ?? ''}`.trim());
        }
      });
    });
    req.end(body);
  }

  private handleReply(bot: BotState, reply: { contentType: string; body: string }): void {
    if (!reply.contentType.includes('json') || reply.body.trim() === '') return;
    let payload: unknown;
    try {
      payload = JSON.parse(reply.body);
    } catch {
      return;
    }
    if (
      typeof payload === 'object' &&
      payload !== null &&
      typeof (payload as { method?: unknown }).method === 'string'
    ) {
      this.opts.onReply(bot, payload as Record<string, unknown>);
    }
  }
}

function agentKeyOf(bot: BotState): string | undefined {
  if (!bot.webhook) return undefined;
  return `${new URL(bot.webhook.url).origin}|${bot.webhook.maxConnections}`;
}

/** Telegram's wording for connection-level webhook failures (as shown in last_error_message). */
function describeNetworkError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'Connection reset by peer';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'Failed to resolve host: Name or service not known';
    case 'ETIMEDOUT':
      return 'Connection timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'No route to host';
    default:
      return err.message || 'Connection error';
  }
}
