import { createTestRedis, deleteKeysWithPrefix, uniquePrefix, waitFor } from '@parley/testing';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { Api, GrammyError } from 'grammy';
import { createTelegramApi } from '../api-client';
import { classifyTelegramError } from '../errors';
import { createOutboundLimiter, type OutboundLimiterOptions } from './limiter';
import { OutboundPausedError } from './paused-error';
import { outboundLimits } from './transformer';

const TOKEN = '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const redisA = createTestRedis();
const redisB = createTestRedis(); // another pod's connection
const prefix = uniquePrefix('tg-outbound');
let emulator: Emulator;
let bots = 0;
let chats = 300_000;

/** A private chat the emulator knows (Telegram answers "chat not found" otherwise). */
function newChat(): number {
  const chatId = ++chats;
  emulator.sendUserMessage({ text: 'hi', chatId });
  return chatId;
}

/** A limiter pair (two pods) of a fresh bot, and pod A's API client with the transformer. */
function setup(opts: Partial<OutboundLimiterOptions> = {}, maxWaitMs = 1_000) {
  const shared = { keyPrefix: prefix, botId: `bot${++bots}`, ...opts };
  const limiter = createOutboundLimiter(redisA, shared);
  const otherPod = createOutboundLimiter(redisB, shared);
  const api = new Api(TOKEN, { apiRoot: emulator.url });
  api.config.use(outboundLimits(limiter, { maxWaitMs }));
  return { limiter, otherPod, api };
}

const sent = (method: string, chatId: number) => emulator.calls({ method, chatId }).length;

beforeAll(async () => {
  emulator = await startEmulator({ tokens: [TOKEN] });
});

afterAll(async () => {
  await emulator.close();
  await deleteKeysWithPrefix(redisA, prefix);
  await Promise.all([redisA.quit(), redisB.quit()]);
});

describe('outboundLimits', () => {
  it('pauses a chat after a 429 for every pod and holds later sends back without calling Telegram', async () => {
    const { api, limiter, otherPod } = setup();
    const chat = newChat();
    const other = newChat();
    emulator.failNext({ method: 'sendMessage', chatId: chat, errorCode: 429, retryAfter: 5 });

    // The 429 reaches the caller unchanged.
    const first = await api.sendMessage(chat, 'one').catch((err: unknown) => err);
    expect(first).toBeInstanceOf(GrammyError);
    expect((first as GrammyError).error_code).toBe(429);
    expect(classifyTelegramError(first)).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 5 });

    for (const pod of [limiter, otherPod]) {
      expect(await pod.pausedFor(chat)).toBeGreaterThan(4_000);
      expect(await pod.pausedFor(other)).toBe(0);
    }

    const second = await api.sendMessage(chat, 'two').catch((err: unknown) => err);
    expect(second).toBeInstanceOf(OutboundPausedError);
    expect((second as OutboundPausedError).retryAfterMs).toBeGreaterThan(4_000);
    expect(classifyTelegramError(second)).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 5 });
    expect(sent('sendMessage', chat)).toBe(1); // only the first call reached the emulator
    expect(emulator.botMessages(chat)).toHaveLength(0);

    await api.sendMessage(other, 'still fine');
    expect(emulator.botMessages(other).map((m) => m.text)).toEqual(['still fine']);
  });

  it('waits for a slot that is close enough, then sends', async () => {
    const shared = { keyPrefix: prefix, botId: `bot${++bots}`, perChatPerSecond: 5, perChatBurst: 1 };
    const api = new Api(TOKEN, { apiRoot: emulator.url });
    // Installed first, so it runs inside the limiter: when each call leaves it. (The emulator's
    // arrival times would add the HTTP latency of each call, which varies on a busy machine.)
    const at: number[] = [];
    api.config.use((prev, method, payload, signal) => {
      if (method === 'sendMessage') at.push(Date.now());
      return prev(method, payload, signal);
    });
    api.config.use(outboundLimits(createOutboundLimiter(redisA, shared), { maxWaitMs: 1_000 }));
    const chat = newChat();
    for (const text of ['a', 'b', 'c']) await api.sendMessage(chat, text);
    expect(emulator.calls({ method: 'sendMessage', chatId: chat })).toHaveLength(3);
    expect(at).toHaveLength(3);
    // 5 per second: 200 ms apart (a little slack for timer and clock granularity).
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(180);
    expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThanOrEqual(180);
  });

  it('throws instead of waiting longer than maxWaitMs, and books nothing then', async () => {
    const { api, limiter } = setup({ perChatPerSecond: 1, perChatBurst: 1 }, 300);
    const chat = newChat();
    await api.sendMessage(chat, 'first');
    await expect(api.sendMessage(chat, 'second')).rejects.toBeInstanceOf(OutboundPausedError);
    await expect(api.sendMessage(chat, 'third')).rejects.toBeInstanceOf(OutboundPausedError);
    expect(sent('sendMessage', chat)).toBe(1);
    // The refused sends did not take slots: the next one is due one interval after the first.
    const wait = await limiter.reserve(chat);
    expect(wait).toBeGreaterThan(500);
    expect(wait).toBeLessThanOrEqual(1_000);
  });

  it('lets sendChatAction through without taking message slots, but not into a paused chat', async () => {
    const { api, limiter, otherPod } = setup({ perChatPerSecond: 1, perChatBurst: 1 });
    const chat = newChat();
    for (let i = 0; i < 5; i++) await api.sendChatAction(chat, 'typing');
    expect(sent('sendChatAction', chat)).toBe(5);
    expect(await limiter.reserve(chat, undefined, 0)).toBe(0); // the message slot is still free

    await otherPod.pause(chat, 5);
    await expect(api.sendChatAction(chat, 'typing')).rejects.toBeInstanceOf(OutboundPausedError);
    expect(sent('sendChatAction', chat)).toBe(5);
  });

  it('leaves methods that send nothing alone', async () => {
    const { api, otherPod } = setup();
    await otherPod.pause(undefined, 5); // the whole bot is paused
    await expect(api.getMe()).resolves.toMatchObject({ is_bot: true });
    await expect(api.sendMessage(newChat(), 'x')).rejects.toBeInstanceOf(OutboundPausedError);
  });
});

describe('createTelegramApi with a limiter', () => {
  it('lets auto-retry absorb a short 429 while the other pods pause the chat, each attempt through the limiter', async () => {
    const shared = { keyPrefix: prefix, botId: `bot${++bots}` };
    const otherPod = createOutboundLimiter(redisB, shared);
    const outcomes: string[] = [];
    const api = createTelegramApi({
      token: TOKEN,
      apiRoot: emulator.url,
      limiter: createOutboundLimiter(redisA, shared),
      observe: ({ outcome }) => outcomes.push(outcome),
    });
    const chat = newChat();
    emulator.failNext({ method: 'sendMessage', chatId: chat, errorCode: 429, retryAfter: 1 });

    const sending = api.sendMessage(chat, 'hello');
    // The limiter sits inside auto-retry: it saw the 429 that auto-retry is waiting out.
    await waitFor(async () => (await otherPod.pausedFor(chat)) > 0, { timeoutMs: 900, what: 'shared pause' });
    await expect(sending).resolves.toMatchObject({ text: 'hello' });
    expect(outcomes).toEqual(['error_429', 'ok']);
    expect(sent('sendMessage', chat)).toBe(2);
  });

  it('does not retry or count a send the limiter held back', async () => {
    const shared = { keyPrefix: prefix, botId: `bot${++bots}` };
    const outcomes: string[] = [];
    const api = createTelegramApi({
      token: TOKEN,
      apiRoot: emulator.url,
      limiter: createOutboundLimiter(redisA, shared),
      maxLimiterWaitMs: 100,
      observe: ({ outcome }) => outcomes.push(outcome),
    });
    const chat = newChat();
    await createOutboundLimiter(redisB, shared).pause(chat, 3);

    const started = Date.now();
    await expect(api.sendMessage(chat, 'x')).rejects.toBeInstanceOf(OutboundPausedError);
    expect(Date.now() - started).toBeLessThan(1_000); // auto-retry's backoff would take 3 s
    expect(outcomes).toEqual([]);
    expect(sent('sendMessage', chat)).toBe(0);
  });
});
