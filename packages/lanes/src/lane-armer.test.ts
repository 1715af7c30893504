import { queues, updateShardLayout } from '@parley/contracts';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import { Queue } from 'bullmq';
import { createBatchedArmer } from './lane-armer';
import { createLaneShards } from './lane-shards';
import { createWriteBatcher } from './write-batcher';

const redis = createTestRedis();
const prefix = uniquePrefix('armer');
const shards = createLaneShards(
  updateShardLayout(prefix, 2),
  (s) => new Queue(queues.updates.name, { connection: redis, prefix: s.queuePrefix }),
);

afterAll(async () => {
  await Promise.all(shards.all.map((s) => s.queue.close()));
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

describe('batched lane armer', () => {
  it('arms the lanes of one turn with one addBulk per shard, keeping one lane per chat', async () => {
    const armer = createBatchedArmer(createWriteBatcher(redis));
    const bulks = shards.all.map((s) => {
      let count = 0;
      const original = s.queue.addBulk.bind(s.queue);
      s.queue.addBulk = (jobs) => {
        count++;
        return original(jobs);
      };
      return () => count;
    });
    const chats = Array.from({ length: 20 }, (_, i) => 500 + i);
    // Every chat twice in the same turn (a re-delivery): deduplication keeps one lane.
    await Promise.all(
      [...chats, ...chats].map((chat) => armer.arm(shards.forChat('default', chat), 'default', chat, 1)),
    );
    expect(bulks.map((count) => count())).toEqual([1, 1]);
    for (const shard of shards.all) {
      const mine = chats.filter((c) => shards.forChat('default', c) === shard);
      const lanes = await shard.queue.getJobs(['waiting']);
      expect(lanes.map((j) => j.data.chatId).sort()).toEqual(mine.sort());
      expect(await redis.zcard(shard.pendingLanes)).toBe(mine.length);
    }
  });

  it('fails every arm of a bulk that could not be added', async () => {
    const armer = createBatchedArmer(createWriteBatcher(redis));
    // A shard whose queue connection is gone: BullMQ's addBulk fails for real.
    const dead = createTestRedis();
    const queue = new Queue(queues.updates.name, { connection: dead, prefix: `${prefix}-dead` });
    queue.on('error', () => {});
    await queue.waitUntilReady();
    dead.disconnect();
    const shard = { ...(shards.all[0] as (typeof shards.all)[number]), queue };
    try {
      const results = await Promise.allSettled([
        armer.arm(shard, 'default', 900, 1),
        armer.arm(shard, 'default', 901, 1),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    } finally {
      await queue.close().catch(() => {});
    }
  });
});
