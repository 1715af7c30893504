import { createTestRedis, deleteKeysWithPrefix, uniquePrefix, waitFor } from '@parley/testing';
import { createOutboundLimiter, type OutboundLimiterOptions } from './limiter';

// Two connections stand for two pods sharing one Redis.
const redisA = createTestRedis();
const redisB = createTestRedis();
const prefix = uniquePrefix('tg-limiter');
let bots = 0;

/** Two limiter instances ("pods") of one bot; every test gets its own bot, so its own keys. */
function pods(opts: Partial<OutboundLimiterOptions> = {}) {
  const shared = { keyPrefix: prefix, botId: `bot${++bots}`, ...opts };
  return [createOutboundLimiter(redisA, shared), createOutboundLimiter(redisB, shared)] as const;
}

/** Calls `reserve(i)` `count` times one after the other (each call sees the previous booking). */
async function reserveMany(count: number, reserve: (i: number) => Promise<number>): Promise<number[]> {
  const waits: number[] = [];
  for (let i = 0; i < count; i++) waits.push(await reserve(i));
  return waits;
}

afterAll(async () => {
  await deleteKeysWithPrefix(redisA, prefix);
  await Promise.all([redisA.quit(), redisB.quit()]);
});

describe('createOutboundLimiter', () => {
  it('lets a burst of 3 through per chat, then one message per second, across pods', async () => {
    // A high global rate with a burst keeps the bot-wide limit out of the way.
    const [podA, podB] = pods({ perChatPerSecond: 1, perChatBurst: 3, globalPerSecond: 1000 });
    const now = Date.now();
    const waits = [
      await podA.reserve(42, now),
      await podA.reserve(42, now),
      await podB.reserve(42, now),
      await podA.reserve(42, now),
      await podB.reserve(42, now),
      await podA.reserve(42, now),
    ];
    expect(waits).toEqual([0, 0, 0, 1000, 2000, 3000]);
    // Another chat has its own budget.
    expect(await podB.reserve(43, now)).toBe(0);
    // One second later one more slot has been freed.
    expect(await podB.reserve(42, now + 4000)).toBe(0);
    expect(await podA.reserve(42, now + 4000)).toBe(1000);
  });

  it('uses Redis time when no time is passed', async () => {
    const [podA, podB] = pods({ perChatPerSecond: 1, perChatBurst: 3 });
    const waits = [
      await podA.reserve(7),
      await podB.reserve(7),
      await podA.reserve(7),
      await podB.reserve(7),
    ];
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(800);
    expect(waits[3]).toBeLessThanOrEqual(1000);
  });

  it('books nothing when the wait exceeds maxWaitMs, so refused callers do not push the schedule out', async () => {
    const [podA, podB] = pods({ perChatPerSecond: 1, perChatBurst: 1 });
    const now = Date.now();
    expect(await podA.reserve(5, now)).toBe(0);
    expect(await podA.reserve(5, now, 500)).toBe(1000);
    expect(await podB.reserve(5, now, 500)).toBe(1000);
    expect(await podB.reserve(5, now)).toBe(1000); // booked
    expect(await podA.reserve(5, now)).toBe(2000);
  });

  it('limits a group to perGroupPerMinute on top of the per-chat rate; private chats are exempt', async () => {
    const [podA, podB] = pods({
      perGroupPerMinute: 20,
      perGroupBurst: 1,
      perChatPerSecond: 1000,
      perChatBurst: 100,
      globalPerSecond: 1000,
    });
    const now = Date.now();
    const group = await reserveMany(21, (i) => (i % 2 ? podA : podB).reserve(-1001234, now));
    // One every 3 s: 20 messages fit in the first minute, the 21st waits for the next one.
    expect(group).toEqual(Array.from({ length: 21 }, (_, i) => i * 3000));
    const privateChat = await reserveMany(21, () => podA.reserve(1234, now));
    expect(privateChat).toEqual(Array(21).fill(0));
  });

  it('applies the default group burst of 3 and treats @usernames as groups', async () => {
    const [pod] = pods({ perChatPerSecond: 1000, perChatBurst: 100, globalPerSecond: 1000 });
    const now = Date.now();
    expect(await reserveMany(4, () => pod.reserve('@Channel', now))).toEqual([0, 0, 0, 3000]);
    // The same channel in another spelling shares the budget.
    expect(await pod.reserve('@channel', now)).toBe(6000);
  });

  it('limits the whole bot to globalPerSecond over all chats, chat-less sends included', async () => {
    const [podA, podB] = pods({ globalPerSecond: 5 });
    // 5/s: one send per 200 ms slot. An aligned clock makes the slot starts exact.
    const now = Math.ceil(Date.now() / 1000) * 1000;
    const chats = [1, 2, 3, 4, undefined, 6, 7, 8, 9, 10];
    const waits = await reserveMany(chats.length, (i) => (i % 2 ? podA : podB).reserve(chats[i], now));
    expect(waits).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]);
  });

  it('spreads the default 30/s over 100 ms slots of 3', async () => {
    const [pod] = pods();
    const now = Math.ceil(Date.now() / 1000) * 1000;
    const waits = await reserveMany(31, (i) => pod.reserve(1000 + i, now));
    expect(waits.slice(0, 30)).toEqual(Array.from({ length: 30 }, (_, i) => Math.floor(i / 3) * 100));
    expect(waits[30]).toBe(1000);
  });

  it('does not let a chat held back by its own limit hold back the other chats', async () => {
    const [podA, podB] = pods({ globalPerSecond: 5, perChatPerSecond: 1, perChatBurst: 1 });
    const now = Math.ceil(Date.now() / 1000) * 1000;
    expect(await podA.reserve(1, now)).toBe(0);
    expect(await podA.reserve(1, now)).toBe(1000); // chat 1's slot at +1 s...
    expect(await podB.reserve(2, now)).toBe(200); // ...leaves the slots before it to others
    expect(await podB.reserve(3, now)).toBe(400);
    expect(await podA.reserve(1, now)).toBe(2000);
  });

  it('lets every key expire once its state no longer matters', async () => {
    const [pod] = pods({ perChatPerSecond: 1, perGroupPerMinute: 20 });
    await pod.reserve(-100777);
    await pod.pause(-100777, 1);
    const keys = await redisA.keys(`${prefix}:tg:{bot${bots}}:*`);
    expect(keys.length).toBeGreaterThanOrEqual(4); // global rate, chat rate, group rate, chat pause, flood
    for (const key of keys) {
      const ttl = await redisA.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5_000);
    }
  });

  it('keeps the calendar until its furthest booked slot when later sends book nearer slots', async () => {
    const [pod] = pods({ globalPerSecond: 10, perChatPerSecond: 1, perChatBurst: 1 });
    const now = Math.ceil(Date.now() / 1000) * 1000;
    expect(await pod.reserve(1, now)).toBe(0);
    expect(await pod.reserve(1, now)).toBe(1000); // books a slot a second ahead
    const calendar = `${prefix}:tg:{bot${bots}}:slots`;
    const before = await redisA.pttl(calendar);
    expect(before).toBeGreaterThan(1_500);
    expect(await pod.reserve(2, now)).toBe(100); // opens a nearer slot
    expect(await redisA.pttl(calendar)).toBeGreaterThan(before - 200);
  });

  it('forgets bot-wide slots that have passed', async () => {
    const [pod] = pods({ globalPerSecond: 10 });
    const now = Math.ceil(Date.now() / 1000) * 1000;
    await reserveMany(5, (i) => pod.reserve(i + 1, now)); // slots now .. now + 400 ms
    const calendar = `${prefix}:tg:{bot${bots}}:slots`;
    expect(await redisA.hlen(calendar)).toBe(6); // 5 slots + the cleanup cursor
    await pod.reserve(9, now + 1_000);
    const slots = (await redisA.hkeys(calendar)).filter((f) => f !== 'lo').map(Number);
    expect(slots).toEqual([(now + 1_000) / 100]);
  });

  it('pauses a chat for every pod after a 429, and only that chat', async () => {
    const [podA, podB] = pods();
    await podA.pause(100, 2);
    for (const pod of [podA, podB]) {
      const paused = await pod.pausedFor(100);
      expect(paused).toBeGreaterThan(1800);
      expect(paused).toBeLessThanOrEqual(2000);
      expect(await pod.pausedFor(101)).toBe(0);
      expect(await pod.pausedFor(undefined)).toBe(0);
    }
    // Sends to the paused chat are scheduled after the pause; other chats go now.
    expect(await podB.reserve(100)).toBeGreaterThan(1800);
    expect(await podB.reserve(101)).toBe(0);
    // A later, shorter retry_after does not shorten the pause.
    await podB.pause(100, 1);
    expect(await podA.pausedFor(100)).toBeGreaterThan(1500);
  });

  it('ends a pause after retry_after', async () => {
    const [podA, podB] = pods();
    await podA.pause(200, 0.2);
    expect(await podB.pausedFor(200)).toBeGreaterThan(0);
    await waitFor(async () => (await podB.pausedFor(200)) === 0, { timeoutMs: 2_000, what: 'pause end' });
    expect(await podB.reserve(200)).toBe(0);
  });

  it('pauses the whole bot when 429s hit several chats within a second', async () => {
    const [podA, podB] = pods({ floodChats: 3 });
    await podA.pause(1, 2);
    await podB.pause(2, 2);
    await podB.pause(2, 2); // the same chat again is not a flood
    expect(await podA.pausedFor(999)).toBe(0);
    await podA.pause(3, 2);
    for (const pod of [podA, podB]) {
      expect(await pod.pausedFor(999)).toBeGreaterThan(1800);
      expect(await pod.pausedFor(undefined)).toBeGreaterThan(1800);
    }
    expect(await podB.reserve(999)).toBeGreaterThan(1800);
  });

  it('does not count 429s older than the flood window', async () => {
    const [pod] = pods({ floodChats: 2, floodWindowMs: 200 });
    await pod.pause(1, 1);
    await new Promise((r) => setTimeout(r, 300));
    await pod.pause(2, 1);
    expect(await pod.pausedFor(999)).toBe(0);
  });

  it('pauses the whole bot after a 429 without a chat', async () => {
    const [podA, podB] = pods();
    await podA.pause(undefined, 1);
    expect(await podB.pausedFor(55)).toBeGreaterThan(800);
  });

  it('rejects nonsensical rates', () => {
    expect(() => pods({ perChatPerSecond: 0 })).toThrow(RangeError);
    expect(() => pods({ perChatBurst: 0.5 })).toThrow(RangeError);
  });
});
