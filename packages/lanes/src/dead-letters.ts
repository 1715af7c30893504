import type { Keyspace } from '@parley/contracts';
import type { RedisClient } from './redis-script';

/**
 * Updates that could not be handled and will not become handleable by retrying (a payload this
 * version cannot read, Telegram refusing the reply with 400/403…). Kept in a capped Redis stream
 * for a bounded time so an operator can list them and replay them after a fix.
 */
export interface DeadLetter {
  /** Stream entry id. */
  id: string;
  botId: string;
  chatId: number | null;
  updateId: number;
  reason: string;
  /** The accepted payload as stored (JSON), to replay. */
  payload: string;
  at: number;
}

export interface DeadLetterOptions {
  /** Entries kept at most. @defaultValue 10000 */
  maxEntries?: number;
  /** Entries older than this are trimmed. @defaultValue 7 days */
  retentionMs?: number;
}

export function createDeadLetters(redis: RedisClient, keys: Keyspace, opts: DeadLetterOptions = {}) {
  const key = keys.deadLetters();
  const maxEntries = opts.maxEntries ?? 10_000;
  const retentionMs = opts.retentionMs ?? 7 * 24 * 3_600_000;
  return {
    async add(entry: Omit<DeadLetter, 'id' | 'at'>): Promise<string> {
      const at = Date.now();
      const id = await redis.xadd(
        key,
        'MAXLEN',
        '~',
        String(maxEntries),
        '*',
        'botId',
        entry.botId,
        'chatId',
        entry.chatId === null ? '' : String(entry.chatId),
        'updateId',
        String(entry.updateId),
        'reason',
        entry.reason,
        'payload',
        entry.payload,
        'at',
        String(at),
      );
      // Time-based retention on top of the length cap (stream ids start with a ms timestamp).
      await redis.xtrim(key, 'MINID', '~', String(at - retentionMs));
      return id ?? '';
    },
    async list(count = 100): Promise<DeadLetter[]> {
      const entries = await redis.xrevrange(key, '+', '-', 'COUNT', count);
      return entries.map(([id, fields]) => {
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
        return {
          id,
          botId: f.botId ?? '',
          chatId: f.chatId ? Number(f.chatId) : null,
          updateId: Number(f.updateId),
          reason: f.reason ?? '',
          payload: f.payload ?? '',
          at: Number(f.at),
        };
      });
    },
    async remove(id: string): Promise<boolean> {
      return (await redis.xdel(key, id)) === 1;
    },
    size(): Promise<number> {
      return redis.xlen(key);
    },
  };
}

export type DeadLetters = ReturnType<typeof createDeadLetters>;
