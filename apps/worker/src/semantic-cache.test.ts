import { loadWorkerConfig } from '@parley/config';
import { createKeyspace, queues, type UpdateJob } from '@parley/contracts';
import { acceptUpdate, createInbox } from '@parley/lanes';
import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import { createLogger } from '@parley/logging';
import { createTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@parley/testing';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { Queue } from 'bullmq';
import { type RunningWorker, startWorker } from './worker';

const TOKEN = '1000000004:DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD';

/** The semantic cache, turned on: paraphrased first turns are answered without the LLM. */
describe('worker with the semantic cache on', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('sem');
  const keys = createKeyspace(prefix);
  const inbox = createInbox(redis, keys);
  let emulator: Emulator;
  let sim: LlmSim;
  let worker: RunningWorker;
  let queue: Queue;

  beforeAll(async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    sim = await startLlmSim({
      ttftMs: 0,
      tokensPerSecond: 0,
      models: ['parley-sim-1', 'text-embedding-3-small'],
    });
    const config = loadWorkerConfig({
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: emulator.url,
      OPENAI_BASE_URL: sim.baseURL,
      LLM_MODEL: 'parley-sim-1',
      LLM_MAX_RETRIES: '0',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      COALESCE_WINDOW_MS: '0',
      SEMANTIC_CACHE_ENABLED: 'true',
      SEMANTIC_CACHE_THRESHOLD: '0.8',
    });
    worker = await startWorker(config, createLogger({ name: 't', level: 'silent' }));
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

  const userSays = async (text: string, chatId: number) => {
    const update = emulator.sendUserMessage({ text, chatId });
    const payload: UpdateJob = {
      botId: 'default',
      update: update as UpdateJob['update'],
      receivedAt: Date.now(),
    };
    await acceptUpdate({ redis, keys, inbox, updatesQueue: queue }, payload);
  };
  const replies = (chatId: number) => emulator.botMessages(chatId).map((m) => m.text);
  const chatRequests = () => sim.stats().byPath.chat.requests;

  it('answers a paraphrased first turn from the semantic cache, and never a turn with history', async () => {
    const before = chatRequests();
    await userSays('what is the capital city of france', 8001);
    await waitFor(() => replies(8001).length === 1, { what: 'first answer' });
    await userSays('so what is the capital city of france?', 8002);
    await waitFor(() => replies(8002).length === 1, { what: 'semantic answer' });
    expect(replies(8002)[0]).toBe(replies(8001)[0]);
    expect(chatRequests() - before).toBe(1);

    // The same words in a conversation with history go to the LLM.
    await userSays('what is the capital city of france', 8002);
    await waitFor(() => replies(8002).length === 2, { what: 'answer with history' });
    expect(chatRequests() - before).toBe(2);
    const metrics = await (await fetch(`${worker.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/parley_semantic_cache_lookups_total\{result="hit"\} 1/);
  });
});
