import type { ChainableCommander, Redis } from 'ioredis';

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

export function createHistoryStore(redis: Redis, opts: HistoryOptions): HistoryStore {
  return {
    async load(key) {
      if (opts.maxMessages === 0) return [];
      const raw = await redis.lrange(key, -opts.maxMessages, -1);
      const turns: Turn[] = [];
      for (const entry of raw) {
        try {
          const turn = JSON.parse(entry) as Turn;
          if ((turn.role === 'user' || turn.role === 'assistant') && typeof turn.content === 'string')
            turns.push(turn);
        } catch {
          // A corrupt entry is skipped rather than failing the whole conversation.
        }
      }
      return turns;
    },
    appendTo(tx, key, turns) {
      if (opts.maxMessages === 0 || turns.length === 0) return;
      tx.rpush(key, ...turns.map((t) => JSON.stringify(t)));
      tx.ltrim(key, -opts.maxMessages, -1);
      tx.expire(key, opts.ttlSeconds);
    },
    async clear(key) {
      await redis.del(key);
    },
  };
}
