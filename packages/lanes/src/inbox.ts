import { type Keyspace, type UpdateJob, updateJobSchema } from '@parley/contracts';
import type { ChainableCommander, Redis } from 'ioredis';

/**
 * A chat's inbox: the updates accepted for it and not yet handled, in Telegram's order
 * (update ids increase). The gateway adds, the chat's lane reads from the head and removes what
 * it has finished. Adding the same update twice is a no-op, so re-deliveries are harmless.
 */

// One script so that the id and its payload can never be written apart.
const ADD_SCRIPT = `
if redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  return 1
end
return 0`;

export interface InboxEntry {
  updateId: number;
  /** Undefined when the stored payload cannot be read by this version (dead-lettered by the lane). */
  payload?: UpdateJob;
  raw: string | null;
}

export interface Inbox {
  /** Stores the update in its chat's inbox; resolves true when it was not there yet. */
  add(payload: UpdateJob, chatId: number): Promise<boolean>;
  /** The first `limit` pending updates, oldest first. */
  peek(botId: string, chatId: number, limit: number): Promise<InboxEntry[]>;
  size(botId: string, chatId: number): Promise<number>;
  /** Adds the removal of finished updates to a MULTI the caller executes. */
  removeIn(tx: ChainableCommander, botId: string, chatId: number, updateIds: number[]): void;
}

export function createInbox(redis: Redis, keys: Keyspace): Inbox {
  return {
    async add(payload, chatId) {
      const added = await redis.eval(
        ADD_SCRIPT,
        2,
        keys.inbox(payload.botId, chatId),
        keys.inboxData(payload.botId, chatId),
        String(payload.update.update_id),
        JSON.stringify(payload),
      );
      return added === 1;
    },
    async peek(botId, chatId, limit) {
      const ids = await redis.zrange(keys.inbox(botId, chatId), 0, limit - 1);
      if (ids.length === 0) return [];
      const raws = await redis.hmget(keys.inboxData(botId, chatId), ...ids);
      return ids.map((id, i) => {
        const raw = raws[i] ?? null;
        let payload: UpdateJob | undefined;
        if (raw) {
          try {
            const parsed = updateJobSchema.safeParse(JSON.parse(raw));
            if (parsed.success) payload = parsed.data;
          } catch {
            payload = undefined;
          }
        }
        return { updateId: Number(id), payload, raw };
      });
    },
    size(botId, chatId) {
      return redis.zcard(keys.inbox(botId, chatId));
    },
    removeIn(tx, botId, chatId, updateIds) {
      if (updateIds.length === 0) return;
      tx.zrem(keys.inbox(botId, chatId), ...updateIds.map(String));
      tx.hdel(keys.inboxData(botId, chatId), ...updateIds.map(String));
    },
  };
}
