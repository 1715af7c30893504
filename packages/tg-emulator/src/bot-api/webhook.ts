import type { WebhookConfig } from '../state';
import { badRequest } from './api-error';
import { Described, type MethodHandler } from './method-context';
import { clampedInt } from './params';
import type { WebhookInfo } from './telegram-types';

const SECRET_TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * setWebhook, deleteWebhook and getWebhookInfo. Unlike Telegram, which requires HTTPS on port
 * 443, 80, 88 or 8443, any http(s) URL is accepted: the emulator and the bot run side by side.
 */
export const webhookMethods: Record<string, MethodHandler> = {
  setWebhook: ({ core, bot }, params) => {
    const url = typeof params.url === 'string' ? params.url.trim() : '';
    if (params.drop_pending_updates === true) bot.updates.dropPending();
    if (url === '') return removeWebhook({ core, bot });

    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    }

    const config: WebhookConfig = {
      url,
      maxConnections: clampedInt(params, 'max_connections', 40, 1, 100),
    };
    const secret = params.secret_token;
    if (secret !== undefined && secret !== '') {
      if (typeof secret !== 'string' || secret.length > 256) throw badRequest('secret token is too long');
      if (!SECRET_TOKEN.test(secret)) throw badRequest('secret token contains unallowed characters');
      config.secretToken = secret;
    }
    if (typeof params.ip_address === 'string' && params.ip_address !== '')
      config.ipAddress = params.ip_address;
    if (Array.isArray(params.allowed_updates)) {
      bot.allowedUpdates = params.allowed_updates.filter((u): u is string => typeof u === 'string');
    }

    const previous = bot.webhook;
    const unchanged =
      previous !== undefined &&
      previous.url === config.url &&
      previous.secretToken === config.secretToken &&
      previous.maxConnections === config.maxConnections &&
      previous.ipAddress === config.ipAddress;
    if (previous?.url !== config.url) {
      bot.lastErrorDate = undefined;
      bot.lastErrorMessage = undefined;
    }
    bot.webhook = config;
    // A getUpdates still long-polling now ends with 409, like on Telegram.
    bot.activePoll?.terminate();
    bot.updates.resetBackoff();
    core.delivery.webhookChanged(bot);
    core.delivery.kick(bot);
    return new Described(true, unchanged ? 'Webhook is already set' : 'Webhook was set');
  },

  deleteWebhook: ({ core, bot }, params) => {
    if (params.drop_pending_updates === true) bot.updates.dropPending();
    return removeWebhook({ core, bot });
  },

  getWebhookInfo: ({ bot }) => {
    const webhook = bot.webhook;
    const info: WebhookInfo = {
      url: webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: bot.updates.pending.length,
    };
    if (!webhook) return info;
    if (webhook.ipAddress !== undefined) info.ip_address = webhook.ipAddress;
    if (bot.lastErrorDate !== undefined) {
      info.last_error_date = bot.lastErrorDate;
      info.last_error_message = bot.lastErrorMessage ?? '';
    }
    info.max_connections = webhook.maxConnections;
    if (bot.allowedUpdates.length > 0) info.allowed_updates = [...bot.allowedUpdates];
    return info;
  },
};

function removeWebhook({ core, bot }: Pick<Parameters<MethodHandler>[0], 'core' | 'bot'>): Described {
  const had = bot.webhook !== undefined;
  bot.webhook = undefined;
  core.delivery.webhookChanged(bot);
  return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
}
