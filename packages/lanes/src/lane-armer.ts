import { type ChatLaneJob, laneDeduplicationId, queues } from '@parley/contracts';
import type { Queue } from 'bullmq';
import { armLane, markPending } from './lane-scheduler';
import type { LaneShard } from './lane-shards';
import type { RedisClient } from './redis-script';
import type { WriteBatcher } from './write-batcher';

const laneContract = queues.updates.jobs['chat-lane'];

/**
 * Arms a chat's lane in its shard and enters the chat into the shard's pending index (after the
 * inbox write was acknowledged: the caller sees to that).
 */
export interface LaneArmer {
  arm(shard: LaneShard, botId: string, chatId: number, receivedAt: number): Promise<void>;
}

/** One BullMQ add and one ZADD per call (tests, tools, the worker). */
export function directArmer(redis: RedisClient): LaneArmer {
  return {
    async arm(shard, botId, chatId, receivedAt) {
      await Promise.all([
        markPending(redis, shard.pendingLanes, botId, chatId, receivedAt),
        armLane(shard.queue, botId, chatId),
      ]);
    },
  };
}

interface PendingArm {
  botId: string;
  chatId: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The gateway's armer: the arms requested in one event-loop turn go to BullMQ as one `addBulk`
 * per shard (one round trip instead of one per chat, same deduplication per job), and the index
 * writes through the write batcher. A failed bulk fails the requests whose lanes it carried
 * (they answer 503 and Telegram re-sends; a re-delivery arms again).
 */
export function createBatchedArmer(batcher: WriteBatcher): LaneArmer {
  let pending = new Map<Queue, PendingArm[]>();
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const batches = pending;
    pending = new Map();
    for (const [queue, arms] of batches) {
      queue
        .addBulk(
          arms.map(({ botId, chatId }) => ({
            name: 'chat-lane',
            data: { botId, chatId } satisfies ChatLaneJob,
            opts: {
              ...laneContract.options,
              deduplication: { id: laneDeduplicationId(botId, chatId), keepLastIfActive: true },
            },
          })),
        )
        .then(
          () => {
            for (const arm of arms) arm.resolve();
          },
          (err: unknown) => {
            for (const arm of arms) arm.reject(err);
          },
        );
    }
  };

  const addJob = (queue: Queue, botId: string, chatId: number) =>
    new Promise<void>((resolve, reject) => {
      const arms = pending.get(queue);
      if (arms) arms.push({ botId, chatId, resolve, reject });
      else pending.set(queue, [{ botId, chatId, resolve, reject }]);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });

  return {
    async arm(shard, botId, chatId, receivedAt) {
      const member = `${botId}:${chatId}`;
      await Promise.all([
        batcher.run(shard.pendingLanes, (p) => p.zadd(shard.pendingLanes, 'NX', receivedAt, member)),
        addJob(shard.queue, botId, chatId),
      ]);
    },
  };
}
