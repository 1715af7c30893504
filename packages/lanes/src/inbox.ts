import { type Keyspace, type UpdateJob, updateJobSchema } from '@parley/contracts';
import type { ChainableCommander } from 'ioredis';
import { luaScript, type RedisClient } from './redis-script';
import type { WriteBatcher } from './write-batcher';

/**
 * A chat's inbox: the updates accepted for it and not yet handled, in Telegram's order
 * (update ids increase). The gateway adds, the chat's lane reads from the head and removes what
 * it has finished. Adding the same update twice is a no-op, so re-deliveries are harmless.
 */

// One script so that the id and its payload can never be written apart.
const add = luaScript(
  'parleyInboxAdd',
  2,
  `if redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  return 1
end
return 0`,
);

// The gateway's one command per update: the inbox write, and the chat's "lane armed" marker set
// if absent. All three keys carry the chat's hash tag (one slot).
const accept = luaScript(
  'parleyInboxAccept',
  3,
  `local added = 0
if redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  added = 1
end
local armed = 0
if redis.call('SET', KEYS[3], '1', 'PX', ARGV[3], 'NX') then armed = 1 end
return added * 2 + armed`,
);

/** An accepted update as the inbox stores it: the payload already serialised. */
export interface StoredUpdate {
  botId: string;
  updateId: number;
  /** JSON of the UpdateJob. */
  json: string;
}

export interface AcceptResult {
  /** False when the update was already in the inbox (a re-delivery). */
  added: boolean;
  /** True when this call set the chat's lane-armed marker: the caller must arm the lane. */
  armed: boolean;
}

export interface InboxEntry {
  updateId: number;
  /** Undefined when the stored payload cannot be read by this version (dead-lettered by the lane). */
  payload?: UpdateJob;
  raw: string | null;
}

export interface Inbox {
  /** Stores the update in its chat's inbox; resolves true when it was not there yet. */
  add(payload: UpdateJob, chatId: number): Promise<boolean>;
  /**
   * Stores the update and sets the chat's lane-armed marker (with a TTL) when it is absent, in
   * one script: the gateway arms the lane only when `armed` comes back true.
   */
  accept(update: StoredUpdate, chatId: number, armedTtlMs: number): Promise<AcceptResult>;
  /**
   * Deletes the chat's lane-armed marker. A lane does this before it reads the inbox, so an
   * update stored after that read finds no marker and arms a follow-up run.
   */
  clearArmed(botId: string, chatId: number): Promise<void>;
  /** True when the inbox holds updates or the lane-armed marker is set (one round trip). */
  hasWork(botId: string, chatId: number): Promise<boolean>;
  /** The first `limit` pending updates, oldest first. */
  peek(botId: string, chatId: number, limit: number): Promise<InboxEntry[]>;
  size(botId: string, chatId: number): Promise<number>;
  /** Adds the removal of finished updates to a MULTI the caller executes. */
  removeIn(tx: ChainableCommander, botId: string, chatId: number, updateIds: number[]): void;
}

export interface InboxOptions {
  /**
   * Send `accept` calls through this batcher (the gateway: one pipeline per event-loop turn).
   * It must batch on the same client as `redis`.
   */
  batcher?: WriteBatcher;
}

export function createInbox(redis: RedisClient, keys: Keyspace, opts: InboxOptions = {}): Inbox {
  const { batcher } = opts;
  if (batcher) accept.define(redis);
  return {
    async add(payload, chatId) {
      const added = await add(
        redis,
        [keys.inbox(payload.botId, chatId), keys.inboxData(payload.botId, chatId)],
        [payload.update.update_id, JSON.stringify(payload)],
      );
      return added === 1;
    },
    async accept(update, chatId, armedTtlMs) {
      const { botId } = update;
      const scriptKeys = [
        keys.inbox(botId, chatId),
        keys.inboxData(botId, chatId),
        keys.laneArmed(botId, chatId),
      ];
      const args = [update.updateId, update.json, Math.max(1, Math.round(armedTtlMs))];
      const reply = Number(
        batcher
          ? await batcher.run(scriptKeys[0] as string, (pipeline) =>
              accept.inPipeline(pipeline, scriptKeys, args),
            )
          : await accept(redis, scriptKeys, args),
      );
      return { added: reply >= 2, armed: reply % 2 === 1 };
    },
    async clearArmed(botId, chatId) {
      await redis.del(keys.laneArmed(botId, chatId));
    },
    async hasWork(botId, chatId) {
      // Both keys are in the chat's slot, so this pipeline goes to one node on a cluster too.
      const replies = await redis
        .pipeline()
        .zcard(keys.inbox(botId, chatId))
        .exists(keys.laneArmed(botId, chatId))
        .exec();
      if (!replies) throw new Error('pipeline was not executed');
      for (const [err] of replies) if (err) throw err;
      return replies.some(([, count]) => Number(count) > 0);
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
