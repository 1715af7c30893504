import { createKeyspace } from '@parley/contracts';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import type { Redis } from 'ioredis';
import { createInbox } from './inbox';
import { createWriteBatcher } from './write-batcher';

const prefix = uniquePrefix('batch');
const keys = createKeyspace(prefix);
const redis = createTestRedis();

afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

/** Counts the pipelines a client opens (the batcher's round trips). */
function countPipelines(client: Redis): () => number {
  let count = 0;
  const original = client.pipeline.bind(client);
  client.pipeline = ((...args: Parameters<Redis['pipeline']>) => {
    count++;
    return original(...args);
  }) as Redis['pipeline'];
  return () => count;
}

const stored = (updateId: number, chatId: number) => ({
  botId: 'default',
  updateId,
  json: JSON.stringify({
    botId: 'default',
    receivedAt: 1,
    update: {
      update_id: updateId,
      message: { message_id: 1, date: 1, chat: { id: chatId, type: 'private' } },
    },
  }),
});

describe('write batcher', () => {
  it('sends the writes of one event-loop turn as one pipeline, each caller getting its own reply', async () => {
    const client = createTestRedis();
    try {
      const pipelines = countPipelines(client);
      const inbox = createInbox(client, keys, { batcher: createWriteBatcher(client) });
      const replies = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          inbox.accept(stored(i + 1, 1000 + (i % 40)), 1000 + (i % 40), 60_000),
        ),
      );
      expect(pipelines()).toBe(1);
      // The first update of each of the 40 chats armed its lane; every update was new.
      expect(replies.filter((r) => r.armed)).toHaveLength(40);
      expect(replies.every((r) => r.added)).toBe(true);
      expect(await inbox.size('default', 1000)).toBe(5);
      // A re-delivery in a later turn is reported as such.
      expect(await inbox.accept(stored(1, 1000), 1000, 60_000)).toEqual({ added: false, armed: false });
    } finally {
      client.disconnect();
    }
  });

  it('sends a full batch at once and the rest in further pipelines', async () => {
    const client = createTestRedis();
    try {
      const pipelines = countPipelines(client);
      const inbox = createInbox(client, keys, { batcher: createWriteBatcher(client, { maxBatch: 50 }) });
      await Promise.all(
        Array.from({ length: 120 }, (_, i) => inbox.accept(stored(i + 1, 2000), 2000, 60_000)),
      );
      expect(pipelines()).toBe(3);
      expect(await inbox.size('default', 2000)).toBe(120);
    } finally {
      client.disconnect();
    }
  });

  it('fails only the caller whose command failed', async () => {
    const batcher = createWriteBatcher(redis);
    const wrongType = `${prefix}:a-string`;
    await redis.set(wrongType, 'x');
    const results = await Promise.allSettled([
      batcher.run(`${prefix}:z1`, (p) => p.zadd(`${prefix}:z1`, 1, 'a')),
      batcher.run(wrongType, (p) => p.zadd(wrongType, 1, 'a')),
      batcher.run(`${prefix}:z2`, (p) => p.zadd(`${prefix}:z2`, 1, 'a')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/WRONGTYPE/);
  });

  it('fails every caller of a batch that cannot be sent', async () => {
    const client = createTestRedis();
    const batcher = createWriteBatcher(client);
    client.disconnect();
    const results = await Promise.allSettled([
      batcher.run(`${prefix}:z3`, (p) => p.zadd(`${prefix}:z3`, 1, 'a')),
      batcher.run(`${prefix}:z4`, (p) => p.zadd(`${prefix}:z4`, 1, 'a')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
