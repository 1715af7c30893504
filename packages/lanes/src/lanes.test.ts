import { createKeyspace, queues, type UpdateJob } from '@parley/contracts';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix, waitFor } from '@parley/testing';
import { Queue, Worker } from 'bullmq';
import { createInbox } from './inbox';
import { armLane, parsePendingMember } from './lane-scheduler';

const redis = createTestRedis();
const workerRedis = createTestRedis();
const prefix = uniquePrefix('lanes');
const keys = createKeyspace(prefix);

afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
  await workerRedis.quit();
});

const payload = (updateId: number, chatId = 7): UpdateJob => ({
  botId: 'default',
  receivedAt: Date.now(),
  update: {
    update_id: updateId,
    message: { message_id: updateId, date: 1, chat: { id: chatId, type: 'private' }, text: `m${updateId}` },
  },
});

describe('inbox', () => {
  it('keeps updates in Telegram order, once each, and removes finished ones', async () => {
    const inbox = createInbox(redis, keys);
    expect(await inbox.add(payload(12), 7)).toBe(true);
    expect(await inbox.add(payload(10), 7)).toBe(true);
    expect(await inbox.add(payload(10), 7)).toBe(false); // re-delivery
    expect((await inbox.peek('default', 7, 10)).map((e) => e.updateId)).toEqual([10, 12]);
    expect((await inbox.peek('default', 7, 1))[0]?.payload?.update.message?.text).toBe('m10');
    const tx = redis.multi();
    inbox.removeIn(tx, 'default', 7, [10]);
    await tx.exec();
    expect((await inbox.peek('default', 7, 10)).map((e) => e.updateId)).toEqual([12]);
    expect(await redis.hexists(keys.inboxData('default', 7), '10')).toBe(0);
  });

  it('reports a payload this version cannot read instead of throwing', async () => {
    const inbox = createInbox(redis, keys);
    await redis.zadd(keys.inbox('default', 8), 5, '5');
    await redis.hset(keys.inboxData('default', 8), '5', '{"nope":1}');
    const [entry] = await inbox.peek('default', 8, 1);
    expect(entry).toEqual({ updateId: 5, payload: undefined, raw: '{"nope":1}' });
  });
});

describe('lane scheduling', () => {
  it('runs one lane per chat at a time and schedules exactly one follow-up while it runs', async () => {
    const queue = new Queue(queues.updates.name, { connection: redis, prefix });
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    let release: () => void = () => {};
    const firstRunBlocked = new Promise<void>((r) => {
      release = r;
    });
    const worker = new Worker(
      queues.updates.name,
      async () => {
        running++;
        runs++;
        maxRunning = Math.max(maxRunning, running);
        if (runs === 1) await firstRunBlocked;
        running--;
      },
      { connection: workerRedis, prefix, concurrency: 5 },
    );
    await armLane(queue, 'default', 1);
    await waitFor(() => runs === 1, { what: 'the first lane run' });
    // Three messages arrive while the lane runs: one follow-up, not three.
    await armLane(queue, 'default', 1);
    await armLane(queue, 'default', 1);
    await armLane(queue, 'default', 1);
    release();
    await waitFor(() => runs === 2 && running === 0, { what: 'the follow-up run' });
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toBe(2);
    expect(maxRunning).toBe(1);
    await worker.close();
    await queue.close();
  });

  it('parses sweeper members', () => {
    expect(parsePendingMember('default:-100123')).toEqual({ botId: 'default', chatId: -100123 });
    expect(parsePendingMember('junk')).toBeUndefined();
  });
});
