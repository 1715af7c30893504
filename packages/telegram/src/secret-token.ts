import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares the `X-Telegram-Bot-Api-Secret-Token` header with the configured secret in constant
 * time. Both sides are hashed first so that neither the content nor the length of the secret
 * leaks through timing.
 */
export function secretTokenMatches(expected: string, received: string | string[] | undefined): boolean {
  if (typeof received !== 'string' || received.length === 0) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(received).digest();
  return timingSafeEqual(a, b);
}

export const SECRET_TOKEN_HEADER = 'x-telegram-bot-api-secret-token';
