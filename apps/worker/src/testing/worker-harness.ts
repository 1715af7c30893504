import { loadWorkerConfig } from '@parley/config';
import { createKeyspace, queues, type UpdateJob } from '@parley/contracts';
import { acceptUpdate, createInbox } from '@parley/lanes';
import { type LlmSim, type LlmSimOptions, startLlmSim } from '@parley/llm-sim';
import { createLogger } from '@parley/logging';
import { createTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '@parley/testing';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { Queue } from 'bullmq';
import { type RunningWorker, startWorker } from '../worker';

/**
 * A worker under test with real stand-ins: the Telegram emulator, the LLM simulator and Redis
 * under a key prefix of its own. A user's message enters the way the gateway stores it
 * (acceptUpdate), so the test runs the worker's whole path from inbox to reply.
 */
export interface WorkerHarness {
  emulator: Emulator;
  sim: LlmSim;
  worker: RunningWorker;
  /** A user writes `text` in private chat `chatId` (as user `userId` when given). */
  userSays(text: string, chatId: number, userId?: number): Promise<void>;
  close(): Promise<void>;
}

export interface WorkerHarnessOptions {
  token: string;
  /** Names the key prefix, to tell tests apart in Redis. */
  name: string;
  sim?: LlmSimOptions;
  /** Worker variables on top of the harness's (Redis, Telegram, simulator, metrics, no coalescing). */
  env?: Record<string, string>;
}

export async function startWorkerHarness(o: WorkerHarnessOptions): Promise<WorkerHarness> {
  const redis = createTestRedis();
  const prefix = uniquePrefix(o.name);
  const keys = createKeyspace(prefix);
  const inbox = createInbox(redis, keys);
  const emulator = await startEmulator({ tokens: [o.token] });
  const sim = await startLlmSim(o.sim);
  const config = loadWorkerConfig({
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: prefix,
    TELEGRAM_BOT_TOKEN: o.token,
    TELEGRAM_API_ROOT: emulator.url,
    OPENAI_BASE_URL: sim.baseURL,
    LLM_MODEL: 'parley-sim-1',
    METRICS_PORT: '0',
    METRICS_HOST: '127.0.0.1',
    COALESCE_WINDOW_MS: '0',
    ...o.env,
  });
  const worker = await startWorker(config, createLogger({ name: o.name, level: 'silent' }));
  const queue = new Queue(queues.updates.name, { connection: redis, prefix });
  return {
    emulator,
    sim,
    worker,
    async userSays(text, chatId, userId) {
      const update = emulator.sendUserMessage(
        userId === undefined ? { text, chatId } : { text, chatId, userId },
      );
      const payload: UpdateJob = {
        botId: 'default',
        update: update as UpdateJob['update'],
        receivedAt: Date.now(),
      };
      await acceptUpdate({ redis, keys, inbox, updatesQueue: queue }, payload);
    },
    async close() {
      await worker.close();
      await queue.close();
      await emulator.close();
      await sim.close();
      await deleteKeysWithPrefix(redis, prefix);
      await redis.quit();
    },
  };
}
