import { randomBytes } from 'node:crypto';

/**
 * A token for the emulated bot, shaped like a real one (`<bot id>:<35 characters>`). A fresh
 * secret part each run is fine: the emulator accepts exactly the token it was started with.
 */
export function generateBotToken(): string {
  return `1000000001:${randomBytes(27).toString('base64url').slice(0, 35)}`;
}

/** 32 characters of A-Z a-z 0-9 _ -, the alphabet Telegram allows for a webhook secret_token. */
export function generateWebhookSecret(): string {
  return randomBytes(24).toString('base64url');
}
