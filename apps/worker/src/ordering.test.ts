import { loadWorkerConfig } from '@parley/config';
import { createKeyspace, queues, type UpdateJob } from '@parley/contracts';
import { acceptUpdate, createInbox } from '@parley/lanes';
import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import { createLogger } from '@parley/logging';
import { createTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@parley/testing';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { Queue } from 'bullmq';
import { type RunningWorker, startWorker } from './worker';

const TOKEN = '1000000002:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const logger = createLogger({ name: 'ordering-test', level: 'silent' });

/**
 * Two worker "pods" with several slots each, many chats, messages sent back to back: every chat
 * must still be answered in order, each answer seeing all earlier turns.
 */
describe('per-chat order across workers', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('order');
  const keys = createKeyspace(prefix);
  const inbox = createInbox(redis, keys);
  let emulator: Emulator;
  let sim: LlmSim;
  let workers: RunningWorker[] = [];
  let queue: Queue;

  beforeAll(async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    // Latency that varies with the answer, so that unordered processing would show.
    sim = await startLlmSim({ ttftMs: 5, tokensPerSecond: 2_000 });
    const env = {
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: emulator.url,
      OPENAI_BASE_URL: sim.baseURL,
      LLM_MODEL: 'parley-sim-1',
      LLM_MAX_RETRIES: '0',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      HISTORY_MAX_MESSAGES: '40',
      WORKER_CONCURRENCY: '8',
      COALESCE_WINDOW_MS: '0',
      LANE_MAX_BATCHES_PER_RUN: '2',
      CACHE_ENABLED: 'false',
      SHUTDOWN_GRACE_MS: '2000',
    };
    workers = [
      await startWorker(loadWorkerConfig(env), logger),
      await startWorker(loadWorkerConfig(env), logger),
    ];
    queue = new Queue(queues.updates.name, { connection: redis, prefix });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await queue.close();
    await emulator.close();
    await sim.close();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('answers every chat in order, each answer seeing the previous turns', async () => {
    const chats = [7001, 7002, 7003, 7004, 7005, 7006];
    const perChat = 8;
    for (let seq = 1; seq <= perChat; seq++) {
      await Promise.all(
        chats.map(async (chatId) => {
          // Longer texts for odd messages: their answers take longer to generate.
          const text = `c${chatId}m${seq} ${seq % 2 ? 'please think about this for a while '.repeat(6) : 'quick'}`;
          const update = emulator.sendUserMessage({ text, chatId });
          const payload: UpdateJob = {
            botId: 'default',
            update: update as UpdateJob['update'],
            receivedAt: Date.now(),
          };
          await acceptUpdate({ redis, keys, inbox, updatesQueue: queue }, payload);
        }),
      );
    }
    await waitFor(() => chats.every((c) => emulator.botMessages(c).length === perChat), {
      timeoutMs: 30_000,
      what: 'all answers',
    });
    for (const chatId of chats) {
      const replies = emulator.botMessages(chatId).map((m) => m.text ?? '');
      replies.forEach((reply, i) => {
        expect(reply).toContain(`c${chatId}m${i + 1} `);
        expect(reply).toContain(`(turn ${i + 1})`);
      });
    }
  }, 60_000);
});
