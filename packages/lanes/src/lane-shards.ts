import { chatShardIndex, type Keyspace, type UpdateShard, updateShardIndex } from '@parley/contracts';
import type { Queue } from 'bullmq';

/** One shard of the updates queue: its BullMQ queue (a producer handle) and its pending index. */
export interface LaneShard extends UpdateShard {
  queue: Queue;
}

/** The shards of the updates queue and the routing of chats to them. */
export interface LaneShards {
  readonly all: readonly LaneShard[];
  /** The shard that holds a chat's lane: hash(botId, chatId) mod N, so a chat never moves. */
  forChat(botId: string, chatId: number): LaneShard;
  /** The shard of an update without a chat (no order to keep). */
  forUpdate(botId: string, updateId: number): LaneShard;
}

/** Opens one queue per shard of `layout` (see `updateShardLayout`). */
export function createLaneShards(layout: UpdateShard[], queueFor: (shard: UpdateShard) => Queue): LaneShards {
  return fromShards(layout.map((shard) => ({ ...shard, queue: queueFor(shard) })));
}

const single = new WeakMap<Queue, LaneShards>();

/** The unsharded layout around an existing `updates` queue (tests, tools, one shard). */
export function singleQueueShards(queue: Queue, keys: Keyspace): LaneShards {
  let shards = single.get(queue);
  if (!shards) {
    const prefix = queue.opts.prefix ?? keys.prefix;
    shards = fromShards([
      { index: 0, queuePrefix: prefix, pendingLanes: keys.pendingLanes(), label: 'updates', queue },
    ]);
    single.set(queue, shards);
  }
  return shards;
}

function fromShards(all: LaneShard[]): LaneShards {
  const count = all.length;
  if (count === 0) throw new Error('the updates queue needs at least one shard');
  return {
    all,
    forChat: (botId, chatId) => all[chatShardIndex(botId, chatId, count)] as LaneShard,
    forUpdate: (botId, updateId) => all[updateShardIndex(botId, updateId, count)] as LaneShard,
  };
}
