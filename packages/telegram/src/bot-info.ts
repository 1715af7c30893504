import type { Api } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Redis } from 'ioredis';

/**
 * The bot's own identity (needed to recognise `/command@botname`). Fetched with getMe once and
 * shared through Redis, so that a hundred pods starting at once do not each call Telegram.
 */
export async function loadBotInfo(
  api: Api,
  redis: Redis,
  key: string,
  ttlSeconds = 3_600,
): Promise<UserFromGetMe> {
  const cached = await redis.get(key);
  if (cached) {
    try {
      return JSON.parse(cached) as UserFromGetMe;
    } catch {
      // A corrupt entry is replaced below.
    }
  }
  const me = await api.getMe();
  await redis.set(key, JSON.stringify(me), 'EX', ttlSeconds);
  return me;
}
