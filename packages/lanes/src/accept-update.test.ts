import { createKeyspace, queues, type UpdateJob } from '@parley/contracts';
import { createTestRedis, deleteKeysWithPrefix, sleep, uniquePrefix, waitFor } from '@parley/testing';
import { type Job, Queue, Worker } from 'bullmq';
import { acceptUpdate } from './accept-update';
import { createInbox } from './inbox';
import { unmarkPending } from './lane-scheduler';

/**
 * The gateway's fast path (one script per update; BullMQ only when the lane-armed marker was
 * newly set) against a lane that follows the worker's protocol: delete the marker, then read.
 */

const redis = createTestRedis();
const workerRedis = createTestRedis();
const prefix = uniquePrefix('accept');
const keys = createKeyspace(prefix);
const inbox = createInbox(redis, keys);
const queue = new Queue(queues.updates.name, { connection: redis, prefix });
const deps = { redis, keys, inbox, updatesQueue: queue };

afterAll(async () => {
  await queue.close();
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
  await workerRedis.quit();
});

let nextChat = 100;
const payload = (updateId: number, chatId: number): UpdateJob => ({
  botId: 'default',
  receivedAt: Date.now(),
  update: {
    update_id: updateId,
    message: { message_id: updateId, date: 1, chat: { id: chatId, type: 'private' }, text: `m${updateId}` },
  },
});
const laneJobs = () => queue.getJobCountByTypes('waiting', 'active', 'delayed');
const pending = (chatId: number) => redis.zscore(keys.pendingLanes(), `default:${chatId}`);

/**
 * A lane as the worker runs it: clears the marker, drains the inbox one update at a time, and
 * leaves the sweeper's index when it finds the inbox empty. `beforeFinish` runs after that last
 * empty read, while the job is still active.
 */
function startLane(seen: Map<number, number[]>, beforeFinish?: (chatId: number) => Promise<void>) {
  const runs = new Map<number, number>();
  const worker = new Worker(
    queues.updates.name,
    async (job: Job) => {
      const { botId, chatId } = job.data as { botId: string; chatId: number };
      runs.set(chatId, (runs.get(chatId) ?? 0) + 1);
      await inbox.clearArmed(botId, chatId);
      for (;;) {
        const [head] = await inbox.peek(botId, chatId, 1);
        if (!head) break;
        seen.set(chatId, [...(seen.get(chatId) ?? []), head.updateId]);
        const tx = redis.multi();
        inbox.removeIn(tx, botId, chatId, [head.updateId]);
        await tx.exec();
      }
      await beforeFinish?.(chatId);
      await unmarkPending(redis, keys.pendingLanes(), inbox, botId, chatId);
    },
    { connection: workerRedis, prefix, concurrency: 4 },
  );
  return { worker, runs: (chatId: number) => runs.get(chatId) ?? 0 };
}

describe('acceptUpdate', () => {
  it('arms the lane once while the marker stands, and indexes the chat for the sweeper', async () => {
    const chat = nextChat++;
    const before = await laneJobs();
    for (const id of [1, 2, 3]) expect(await acceptUpdate(deps, payload(id, chat))).toBe('lane');
    expect((await inbox.peek('default', chat, 10)).map((e) => e.updateId)).toEqual([1, 2, 3]);
    expect(await laneJobs()).toBe(before + 1);
    expect(await pending(chat)).not.toBeNull();
    const ttl = await redis.pttl(keys.laneArmed('default', chat));
    expect(ttl).toBeGreaterThan(60_000);
  });

  it('stores the raw update text as received, readable as a payload', async () => {
    const chat = nextChat++;
    const p = payload(5, chat);
    const raw = JSON.stringify({ ...p.update, extra_field: { kept: true } });
    await acceptUpdate(deps, p, { rawUpdate: raw });
    const [entry] = await inbox.peek('default', chat, 1);
    expect(entry?.payload?.update.update_id).toBe(5);
    expect(entry?.payload?.receivedAt).toBe(p.receivedAt);
    expect((entry?.payload?.update as Record<string, unknown> | undefined)?.extra_field).toEqual({
      kept: true,
    });
  });

  it('arms again for a re-delivered update (an earlier attempt may have stopped before arming)', async () => {
    const chat = nextChat++;
    // The first attempt stored the update and set the marker, then died before BullMQ's add.
    const first = payload(7, chat);
    const stored = await inbox.accept(
      { botId: 'default', updateId: 7, json: JSON.stringify(first) },
      chat,
      60_000,
    );
    expect(stored).toEqual({ added: true, armed: true });
    const before = await laneJobs();
    await acceptUpdate(deps, first); // Telegram re-sends, since it got no 200
    expect(await laneJobs()).toBe(before + 1);
    expect(await pending(chat)).not.toBeNull();
  });

  it('re-arms when the marker expired while the lane waited: deduplication keeps one lane', async () => {
    const chat = nextChat++;
    const before = await laneJobs();
    await acceptUpdate(deps, payload(1, chat), { armedTtlMs: 50 });
    await sleep(120);
    expect(await redis.exists(keys.laneArmed('default', chat))).toBe(0);
    await acceptUpdate(deps, payload(2, chat), { armedTtlMs: 50 });
    expect(await redis.exists(keys.laneArmed('default', chat))).toBe(1);
    expect(await laneJobs()).toBe(before + 1);
  });

  it('lets a lost lane be found: the chat stays indexed, and the next update after the TTL re-arms', async () => {
    const chat = nextChat++;
    await acceptUpdate(deps, payload(1, chat), { armedTtlMs: 300 });
    const jobs = await queue.getJobs(['waiting']);
    const lane = jobs.find((j) => j.data.chatId === chat);
    await lane?.remove(); // lost (an operator, a failure for good…)
    await acceptUpdate(deps, payload(2, chat), { armedTtlMs: 300 });
    expect((await queue.getJobs(['waiting'])).some((j) => j.data.chatId === chat)).toBe(false);
    // What the sweeper reads to re-arm a quiet chat:
    expect(await pending(chat)).not.toBeNull();
    await sleep(400);
    await acceptUpdate(deps, payload(3, chat), { armedTtlMs: 300 });
    expect((await queue.getJobs(['waiting'])).some((j) => j.data.chatId === chat)).toBe(true);
  });
});

describe('the lane-armed marker against a running lane', () => {
  it('answers an update that arrives while the lane is finishing (after its last read)', async () => {
    const chat = nextChat++;
    const seen = new Map<number, number[]>();
    let arrived = false;
    const lane = startLane(seen, async (laneChat) => {
      if (arrived || laneChat !== chat) return;
      arrived = true;
      // The lane has read its inbox empty but has not completed: a new update comes in now.
      await acceptUpdate(deps, payload(2, chat));
    });
    try {
      await acceptUpdate(deps, payload(1, chat));
      await waitFor(() => seen.get(chat)?.length === 2, { what: 'both updates handled', timeoutMs: 5_000 });
      expect(seen.get(chat)).toEqual([1, 2]);
      expect(lane.runs(chat)).toBe(2);
      await waitFor(async () => (await pending(chat)) === null, { what: 'the chat to leave the index' });
    } finally {
      await lane.worker.close();
    }
  });

  it('keeps many chats answered, each once and in order, under concurrent updates', async () => {
    const seen = new Map<number, number[]>();
    const lane = startLane(seen);
    const chats = Array.from({ length: 20 }, () => nextChat++);
    try {
      for (let id = 1; id <= 15; id++) {
        await Promise.all(chats.map((chat) => acceptUpdate(deps, payload(id, chat))));
        if (id % 5 === 0) await sleep(20);
      }
      await waitFor(() => chats.every((c) => seen.get(c)?.length === 15), {
        what: 'every update handled',
        timeoutMs: 15_000,
      });
      for (const chat of chats) expect(seen.get(chat)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      // Far fewer lane runs than updates: the marker spared BullMQ most adds.
      const runs = chats.reduce((sum, c) => sum + lane.runs(c), 0);
      expect(runs).toBeLessThan(chats.length * 15);
    } finally {
      await lane.worker.close();
    }
  });

  it('keeps the chat indexed when a follow-up was armed after the lane started', async () => {
    const chat = nextChat++;
    await redis.zadd(keys.pendingLanes(), 1, `default:${chat}`);
    // The lane started (marker cleared), then the gateway armed a follow-up (marker set).
    await redis.set(keys.laneArmed('default', chat), '1', 'PX', 60_000);
    expect(await unmarkPending(redis, keys.pendingLanes(), inbox, 'default', chat)).toBe(true);
    expect(await pending(chat)).not.toBeNull();
    await redis.del(keys.laneArmed('default', chat));
    expect(await unmarkPending(redis, keys.pendingLanes(), inbox, 'default', chat)).toBe(false);
    expect(await pending(chat)).toBeNull();
  });
});
