import { noticesQueuePrefix, queues, updateShardLayout } from '@parley/contracts';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export interface AdminQueue {
  queue: Queue;
  /** Shown in the board: `updates`, `updates-q3`, `notices`. */
  label: string;
}

/**
 * The queues of one prefix as gateway and worker lay them out: every shard of `updates`
 * (UPDATE_QUEUE_SHARDS) and the small `notices` queue.
 */
export function adminQueues(redis: Redis, keyPrefix: string, shards: number): AdminQueue[] {
  const updates = updateShardLayout(keyPrefix, shards).map((shard) => ({
    queue: new Queue(queues.updates.name, { connection: redis, prefix: shard.queuePrefix }),
    label: shard.label,
  }));
  const notices = {
    queue: new Queue(queues.notices.name, { connection: redis, prefix: noticesQueuePrefix(keyPrefix) }),
    label: queues.notices.name,
  };
  return [...updates, notices];
}
