import { GrammyError, HttpError } from 'grammy';
import type { TelegramContext } from '../ops-context';

/** A Bot API failure, in one line without the token. */
export class TelegramCallError extends Error {
  override name = 'TelegramCallError';
}

async function call<T>(ctx: TelegramContext, method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof GrammyError) {
      throw new TelegramCallError(`the Bot API refused ${method} (${err.error_code}): ${err.description}`);
    }
    if (err instanceof HttpError) {
      const cause = (err.error as { message?: string } | undefined)?.message ?? 'network error';
      throw new TelegramCallError(
        `cannot reach the Bot API at ${ctx.config.apiRoot}: ${cause.replace(/\/bot[^/\s]+/g, '/bot<token>')}`,
      );
    }
    throw err;
  }
}

/** TELEGRAM_WEBHOOK_URL or --url may be just the public origin; the gateway's path is added then. */
export function webhookUrl(url: string, path: string): string {
  const u = new URL(url);
  if (u.pathname === '' || u.pathname === '/') u.pathname = path;
  return u.toString();
}

export interface SetWebhookOptions {
  url?: string;
  maxConnections?: number;
  dropPendingUpdates: boolean;
}

/**
 * Registers the gateway with the gateway's own secret, so Telegram sends it in
 * X-Telegram-Bot-Api-Secret-Token and the gateway accepts the updates.
 */
export async function setWebhook(ctx: TelegramContext, opts: SetWebhookOptions): Promise<number> {
  const target = opts.url ?? ctx.config.webhookUrl;
  if (!target) {
    throw new TelegramCallError(
      'say where: --url https://bot.example.com/telegram/webhook or TELEGRAM_WEBHOOK_URL',
    );
  }
  const secret = ctx.config.webhookSecret;
  if (!secret) {
    throw new TelegramCallError(
      "TELEGRAM_WEBHOOK_SECRET is required: the gateway's secret, which Telegram must send with every update",
    );
  }
  let url: string;
  try {
    url = webhookUrl(target, ctx.config.webhookPath);
  } catch {
    throw new TelegramCallError(`not a URL: ${target}`);
  }
  await call(ctx, 'setWebhook', () =>
    ctx.api.setWebhook(url, {
      secret_token: secret,
      drop_pending_updates: opts.dropPendingUpdates,
      ...(opts.maxConnections !== undefined ? { max_connections: opts.maxConnections } : {}),
    }),
  );
  if (!ctx.json) ctx.out(`webhook set to ${url} (with the secret token)`);
  return webhookInfo(ctx);
}

export async function webhookInfo(ctx: TelegramContext): Promise<number> {
  const info = await call(ctx, 'getWebhookInfo', () => ctx.api.getWebhookInfo());
  if (ctx.json) {
    ctx.out(JSON.stringify(info));
    return 0;
  }
  if (!info.url) {
    ctx.out(`no webhook set (${info.pending_update_count} pending updates wait for getUpdates)`);
    return 0;
  }
  const at = (seconds?: number) => (seconds ? new Date(seconds * 1000).toISOString() : '');
  ctx.out(`url              ${info.url}`);
  ctx.out(`pending updates  ${info.pending_update_count}`);
  ctx.out(`max connections  ${info.max_connections ?? 40}`);
  ctx.out(
    `allowed updates  ${info.allowed_updates?.join(', ') || "Telegram's default (all but chat_member, message_reaction…)"}`,
  );
  if (info.ip_address) ctx.out(`ip address       ${info.ip_address}`);
  if (info.last_error_date)
    ctx.out(`last error       ${at(info.last_error_date)}  ${info.last_error_message ?? ''}`);
  if (info.last_synchronization_error_date)
    ctx.out(`last sync error  ${at(info.last_synchronization_error_date)}`);
  return 0;
}

export async function deleteWebhook(ctx: TelegramContext, dropPendingUpdates: boolean): Promise<number> {
  await call(ctx, 'deleteWebhook', () => ctx.api.deleteWebhook({ drop_pending_updates: dropPendingUpdates }));
  if (ctx.json) ctx.out(JSON.stringify({ deleted: true, droppedPendingUpdates: dropPendingUpdates }));
  else
    ctx.out(
      `webhook deleted${dropPendingUpdates ? ' and pending updates dropped' : ''}: no updates reach the gateway until it is set again`,
    );
  return 0;
}
