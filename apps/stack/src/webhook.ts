import { scrubSecrets } from '@parley/logging';
import { Api } from 'grammy';
import type { StackConfig } from './stack-config';
import { StackError } from './stack-error';
import type { TelegramSide } from './stand-ins';

/**
 * How updates reach the gateway. The emulator calls the local gateway (webhook); a real bot
 * needs a public HTTPS URL for that, so without TELEGRAM_WEBHOOK_URL the gateway long-polls.
 * An explicit INGEST_MODE wins (stack-config rejects the combinations that cannot work).
 */
export function ingestModeFor(config: StackConfig, telegram: TelegramSide): 'webhook' | 'polling' {
  if (config.telegram.ingestMode) return config.telegram.ingestMode;
  if (telegram.kind === 'emulator') return 'webhook';
  return config.telegram.webhookUrl ? 'webhook' : 'polling';
}

/** TELEGRAM_WEBHOOK_URL may be just the public origin; the gateway's path is added then. */
export function publicWebhookUrl(webhookUrl: string, webhookPath: string): string {
  const url = new URL(webhookUrl);
  if (url.pathname === '' || url.pathname === '/') url.pathname = webhookPath;
  return url.toString();
}

/** Points the emulated bot at the local gateway, as Telegram would be pointed at a public URL. */
export async function setEmulatorWebhook(
  emulatorUrl: string,
  token: string,
  gatewayWebhookUrl: string,
  secret: string,
): Promise<void> {
  await new Api(token, { apiRoot: emulatorUrl }).setWebhook(gatewayWebhookUrl, { secret_token: secret });
}

/** Registers the public URL with Telegram; the stack cannot work without it, so failure is fatal. */
export async function setTelegramWebhook(
  telegram: Extract<TelegramSide, { kind: 'telegram' }>,
  url: string,
  secret: string,
): Promise<void> {
  const api = new Api(telegram.token, telegram.apiRoot ? { apiRoot: telegram.apiRoot } : undefined);
  try {
    await api.setWebhook(url, { secret_token: secret });
  } catch (err) {
    throw new StackError(`Telegram refused setWebhook for ${url}: ${scrubSecrets((err as Error).message)}`);
  }
}

/** The real bot's @username for the banner; undefined when Telegram cannot be asked. */
export async function botUsername(
  telegram: Extract<TelegramSide, { kind: 'telegram' }>,
): Promise<string | undefined> {
  const api = new Api(telegram.token, telegram.apiRoot ? { apiRoot: telegram.apiRoot } : undefined);
  try {
    return (await api.getMe()).username;
  } catch {
    return undefined;
  }
}
