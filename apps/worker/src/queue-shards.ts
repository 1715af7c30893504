import type { WorkerConfig } from '@parley/config';
import { createKeyspace, queues, updateShardLayout } from '@parley/contracts';
import { createLaneShards, type LaneShard } from '@parley/lanes';
import { Queue } from 'bullmq';
import type { WorkerDeps } from './deps';

/** One shard of the updates queue as the worker sees it: its producer handle and its deps. */
export interface ShardContext {
  shard: LaneShard;
  /**
   * The worker's deps with this shard's `updatesQueue` (lanes re-arm themselves there) and a
   * keyspace whose `pendingLanes()` is this shard's index (the lanes and the sweeper use it).
   */
  deps: WorkerDeps;
}

/**
 * The shards of the updates queue (UPDATE_QUEUE_SHARDS, hash-tagged on a Redis Cluster), each
 * with the deps its processors run with. The unsharded layout reuses `deps.updatesQueue`.
 */
export function openQueueShards(config: WorkerConfig, deps: WorkerDeps): ShardContext[] {
  const layout = updateShardLayout(config.keyPrefix, config.queueShards, {
    hashTags: config.redisCluster !== undefined,
  });
  const shards = createLaneShards(layout, (shard) => {
    if (shard.queuePrefix === config.keyPrefix) return deps.updatesQueue;
    const queue = new Queue(queues.updates.name, { connection: deps.redis, prefix: shard.queuePrefix });
    queue.on('error', () => {});
    return queue;
  });
  return shards.all.map((shard) => ({
    shard,
    deps: {
      ...deps,
      updatesQueue: shard.queue,
      keys: createKeyspace(config.keyPrefix, { pendingLanes: shard.pendingLanes }),
    },
  }));
}
