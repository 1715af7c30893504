/**
 * Sharding of the updates queue (UPDATE_QUEUE_SHARDS). One BullMQ queue lives in one Redis
 * Cluster hash slot, so past one Redis core the updates queue is split into N queues whose
 * prefixes carry distinct hash tags; a chat is routed to one shard by a stable hash, so all its
 * lane jobs stay in one queue (whose deduplication keeps one lane per chat).
 *
 * With one shard and no cluster the layout is exactly the unsharded one: queue `updates` under
 * `<prefix>`, pending index `<prefix>:lanes:pending`.
 */
export interface UpdateShard {
  index: number;
  /** BullMQ `prefix` of this shard's `updates` queue. */
  queuePrefix: string;
  /** This shard's pending-lanes index (sorted set), in the same hash slot as its queue. */
  pendingLanes: string;
  /** Short name for logs, metric labels and the ops tool: `updates`, or `updates-q3`. */
  label: string;
}

export interface ShardLayoutOptions {
  /**
   * Put hash tags in the queue prefixes even with one shard (a Redis Cluster needs them: BullMQ's
   * scripts touch several keys of one queue). @defaultValue false
   */
  hashTags?: boolean;
}

/** The shards of the updates queue, in index order. */
export function updateShardLayout(
  prefix: string,
  count: number,
  opts: ShardLayoutOptions = {},
): UpdateShard[] {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`shard count must be a positive integer, got ${count}`);
  if (count === 1 && !opts.hashTags) {
    return [{ index: 0, queuePrefix: prefix, pendingLanes: `${prefix}:lanes:pending`, label: 'updates' }];
  }
  return Array.from({ length: count }, (_, index) => {
    // The key still starts with the prefix (SCAN cleanup, ACL key patterns); the tag makes the slot.
    const queuePrefix = `${prefix}:{${prefix}:q${index}}`;
    return { index, queuePrefix, pendingLanes: `${queuePrefix}:lanes:pending`, label: `updates-q${index}` };
  });
}

/** BullMQ prefix of the small notices queue (tagged on a cluster, like the shards). */
export function noticesQueuePrefix(prefix: string, opts: ShardLayoutOptions = {}): string {
  return opts.hashTags ? `${prefix}:{${prefix}:notices}` : prefix;
}

/**
 * 32-bit FNV-1a of a string: stable across processes, versions and platforms, which routing
 * needs (a gateway and a worker must agree on a chat's shard).
 */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The shard of a chat: hash(botId, chatId) mod count. */
export function chatShardIndex(botId: string, chatId: number, count: number): number {
  return count <= 1 ? 0 : fnv1a(`${botId}:${chatId}`) % count;
}

/** The shard of an update without a chat (it has no order to keep: spread by update id). */
export function updateShardIndex(botId: string, updateId: number, count: number): number {
  return count <= 1 ? 0 : fnv1a(`${botId}:u${updateId}`) % count;
}
