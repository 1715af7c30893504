import type { ChainableCommander, Redis } from 'ioredis';
import { turnEntries } from './commit-lua';

export interface Turn {
  role: 'user' | 'assistant';
  content: string;
}

export interface HistoryOptions {
  /** Most recent messages kept (user and assistant turns each count one); 0 keeps none. */
  maxMessages: number;
  /** Idle conversations expire after this many seconds since their last turn. */
  ttlSeconds: number;
}

/**
 * A conversation's recent turns as a Redis list of JSON entries, trimmed to a window and
 * expiring when idle. Writes are exposed as pipeline steps so that appending a turn can be
 * committed atomically with the reply ledger (see reply-ledger.ts).
 */
export interface HistoryStore {
  load(key: string): Promise<Turn[]>;
  /** Adds the append of `turns` to a MULTI the caller executes. */
  appendTo(tx: ChainableCommander, key: string, turns: Turn[]): void;
  clear(key: string): Promise<void>;
}

/**
 * Turns from the list's raw entries (LRANGE), for callers that read the list together with
 * other keys. A corrupt entry is skipped rather than failing the whole conversation.
 */
export function parseTurns(raw: readonly unknown[]): Turn[] {
  const turns: Turn[] = [];
  for (const entry of raw) {
    try {
      const turn = JSON.parse(String(entry)) as Turn;
      if ((turn.role === 'user' || turn.role === 'assistant') && typeof turn.content === 'string')
        turns.push(turn);
    } catch {
      // skipped, see above
    }
  }
  return turns;
}

export function createHistoryStore(redis: Redis, opts: HistoryOptions): HistoryStore {
  return {
    async load(key) {
      if (opts.maxMessages === 0) return [];
      return parseTurns(await redis.lrange(key, -opts.maxMessages, -1));
    },
    appendTo(tx, key, turns) {
      if (opts.maxMessages === 0 || turns.length === 0) return;
      tx.rpush(key, ...turnEntries(turns));
      tx.ltrim(key, -opts.maxMessages, -1);
      tx.expire(key, opts.ttlSeconds);
    },
    async clear(key) {
      await redis.del(key);
    },
  };
}
