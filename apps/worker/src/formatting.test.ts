import { loadWorkerConfig } from '@parley/config';
import { createKeyspace, queues, type UpdateJob } from '@parley/contracts';
import { acceptUpdate, createInbox } from '@parley/lanes';
import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import { createLogger } from '@parley/logging';
import {
  createTestRedis,
  deleteKeysWithPrefix,
  sleep,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@parley/testing';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { Queue } from 'bullmq';
import { type RunningWorker, startWorker } from './worker';

const TOKEN = '1000000003:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const logger = createLogger({ name: 'formatting-test', level: 'silent' });

describe('replies formatted as Telegram entities', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('worker-format');
  const keys = createKeyspace(prefix);
  const inbox = createInbox(redis, keys);
  let emulator: Emulator;
  let sim: LlmSim;
  let worker: RunningWorker;
  let queue: Queue;
  let nextChatId = 7000;

  beforeAll(async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    sim = await startLlmSim({ ttftMs: 0, tokensPerSecond: 0 });
    const config = loadWorkerConfig({
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: emulator.url,
      OPENAI_BASE_URL: sim.baseURL,
      LLM_MODEL: 'parley-sim-1',
      LLM_MAX_TOKENS: '4000',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      SHUTDOWN_GRACE_MS: '2000',
      COALESCE_WINDOW_MS: '0',
    });
    worker = await startWorker(config, logger);
    queue = new Queue(queues.updates.name, { connection: redis, prefix });
  });

  afterAll(async () => {
    await worker.close();
    await queue.close();
    await emulator.close();
    await sim.close();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  afterEach(() => emulator.clearFaults());

  async function userSays(text: string, chatId: number) {
    const update = emulator.sendUserMessage({ text, chatId, userId: chatId });
    const payload: UpdateJob = {
      botId: 'default',
      update: update as UpdateJob['update'],
      receivedAt: Date.now(),
    };
    await acceptUpdate({ redis, keys, inbox, updatesQueue: queue }, payload);
  }
  const replies = (chatId: number) => emulator.botMessages(chatId);

  it('sends LLM Markdown as text with entities, markers removed', async () => {
    const chat = nextChatId++;
    await userSays('show me formatting [[sim:markdown]]', chat);
    await waitFor(() => replies(chat).length === 1, { what: 'the formatted reply' });
    const [reply] = replies(chat);
    const types = (reply?.entities ?? []).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['bold', 'italic', 'code', 'pre', 'text_link']));
    expect(reply?.text).not.toMatch(/\*\*|```/);
  });

  it('resends a part as plain text when Telegram refuses its entities, replying exactly once', async () => {
    const chat = nextChatId++;
    emulator.failNext({ method: 'sendMessage', chatId: chat, errorCode: 400, times: 1 });
    await userSays('show me formatting again [[sim:markdown]]', chat);
    await waitFor(() => replies(chat).length === 1, { what: 'the plain reply' });
    await sleep(300);
    const sent = replies(chat);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.entities ?? []).toEqual([]);
    // The same text as the formatted one would have had: only the entities were dropped.
    expect(sent[0]?.text).not.toMatch(/\*\*|```/);
    expect(emulator.calls({ method: 'sendMessage', chatId: chat })).toHaveLength(2);
  });

  it('splits a long answer at 4096 with every part within the limit', async () => {
    const chat = nextChatId++;
    await userSays('tell me everything [[sim:tokens=2500]]', chat);
    await waitFor(() => replies(chat).length >= 2, { what: 'the split reply' });
    for (const m of replies(chat)) expect((m.text ?? '').length).toBeLessThanOrEqual(4096);
  });
});
