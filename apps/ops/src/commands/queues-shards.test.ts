import { chatShardIndex, createKeyspace, queues, type UpdateJob, updateShardLayout } from '@parley/contracts';
import { acceptUpdate, createDeadLetters, createInbox, createLaneShards } from '@parley/lanes';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import { Queue } from 'bullmq';
import type { OpsConnectors, OpsContext } from '../ops-context';
import { runOps } from '../run-ops';

/** parley-ops against a sharded updates queue (UPDATE_QUEUE_SHARDS=3). */
const redis = createTestRedis();
const prefix = uniquePrefix('ops-shards');
const keys = createKeyspace(prefix);
const shards = createLaneShards(
  updateShardLayout(prefix, 3),
  (s) => new Queue(queues.updates.name, { connection: redis, prefix: s.queuePrefix }),
);
const lines: string[] = [];
const ctx: OpsContext = {
  redis,
  keys,
  botId: 'default',
  inbox: createInbox(redis, keys),
  deadLetters: createDeadLetters(redis, keys),
  updatesQueue: (shards.all[0] as (typeof shards.all)[number]).queue,
  shards,
  out: (line) => lines.push(line),
  json: false,
};
const connectors: OpsConnectors = {
  redis: async (json) => ({ ...ctx, json }),
  telegram: () => Promise.reject(new Error('no Telegram here')),
  cluster: () => Promise.reject(new Error('no cluster here')),
};
const run = (...argv: string[]) => runOps(argv, connectors);

afterAll(async () => {
  await Promise.all(shards.all.map((s) => s.queue.close()));
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});
beforeEach(() => {
  lines.length = 0;
});

const payload = (updateId: number, chatId: number): UpdateJob => ({
  botId: 'default',
  receivedAt: 1,
  update: {
    update_id: updateId,
    message: { message_id: 1, date: 1, chat: { id: chatId, type: 'private' }, text: 'hi' },
  },
});

describe('parley-ops with a sharded updates queue', () => {
  const chats = [11, 12, 13, 14, 15, 16, 17, 18, 19];

  it('counts every shard, in total and one by one', async () => {
    for (const [i, chat] of chats.entries()) await acceptUpdate(ctx, payload(i + 1, chat));
    expect(await run('queues', '--json')).toBe(0);
    const report = JSON.parse(lines[0] ?? '{}');
    expect(report).toMatchObject({
      queue: 'updates',
      counts: { waiting: chats.length },
      pendingChats: chats.length,
    });
    const expected = [0, 1, 2].map((i) => chats.filter((c) => chatShardIndex('default', c, 3) === i).length);
    expect(
      report.shards.map((s: { queue: string; counts: { waiting: number } }) => [s.queue, s.counts.waiting]),
    ).toEqual(expected.map((n, i) => [`updates-q${i}`, n]));
    lines.length = 0;
    expect(await run('queues')).toBe(0);
    expect(lines[0]).toBe('queue updates (3 shards)');
    expect(lines.join('\n')).toMatch(/shard updates-q2/);
  });

  it('replays a dead letter into the lane of its chat in its shard', async () => {
    const chat = 31;
    const id = await ctx.deadLetters.add({
      botId: 'default',
      chatId: chat,
      updateId: 99,
      reason: 'test',
      payload: JSON.stringify(payload(99, chat)),
    });
    expect(await run('dead-letters', 'replay', '--id', id)).toBe(0);
    const shard = shards.forChat('default', chat);
    expect((await shard.queue.getJobs(['waiting'])).some((j) => j.data.chatId === chat)).toBe(true);
  });

  it('lists and retries failed jobs of any shard', async () => {
    const shard = shards.all[2];
    if (!shard) throw new Error('no shard 2');
    await shard.queue.add('telegram-update', { bad: true }, { jobId: 'failed-q2' });
    await redis.zadd(`${shard.queuePrefix}:updates:failed`, Date.now(), 'failed-q2');
    await redis.lrem(`${shard.queuePrefix}:updates:wait`, 0, 'failed-q2');
    expect(await run('failed-jobs', 'list')).toBe(0);
    expect(lines.join('\n')).toContain('failed-q2');
    expect(await run('failed-jobs', 'retry', '--id', 'failed-q2')).toBe(0);
    expect(await shard.queue.getJobState('failed-q2')).toBe('waiting');
  });
});
