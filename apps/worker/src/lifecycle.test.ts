import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkerConfig } from '@parley/config';
import { createKeyspace, queues, type UpdateJob } from '@parley/contracts';
import { acceptUpdate, createInbox } from '@parley/lanes';
import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import { createLogger } from '@parley/logging';
import { type LocalRedis, startRedisServer } from '@parley/redis';
import { createTestRedis, sleep, uniquePrefix, waitFor } from '@parley/testing';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type RunningWorker, startWorker } from './worker';

const TOKEN = '1000000003:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC';
const logger = createLogger({ name: 'lifecycle-test', level: 'silent' });

/** Shutdown and Redis outages, each on a Redis of its own so it can be stopped. */
describe('worker lifecycle', () => {
  let local: LocalRedis;
  let redis: Redis;
  let emulator: Emulator;
  let sim: LlmSim;
  let queue: Queue;
  const prefix = uniquePrefix('life');
  const keys = createKeyspace(prefix);
  let chat = 9100;
  let dir: string;

  const config = (extra: Record<string, string> = {}) =>
    loadWorkerConfig({
      REDIS_URL: local.url,
      REDIS_KEY_PREFIX: prefix,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: emulator.url,
      OPENAI_BASE_URL: sim.baseURL,
      LLM_MODEL: 'parley-sim-1',
      LLM_MAX_RETRIES: '0',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      COALESCE_WINDOW_MS: '0',
      CACHE_ENABLED: 'false',
      WORKER_LOCK_DURATION_MS: '5000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      ...extra,
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-life-'));
    local = await startRedisServer({ appendOnly: true, dir });
    redis = createTestRedisAt(local.url);
    emulator = await startEmulator({ tokens: [TOKEN] });
    sim = await startLlmSim({ ttftMs: 1_500, tokensPerSecond: 0 });
    queue = new Queue(queues.updates.name, { connection: redis, prefix });
    queue.on('error', () => {});
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await emulator.close();
    await sim.close();
    await local.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const userSays = async (text: string, chatId: number) => {
    const update = emulator.sendUserMessage({ text, chatId });
    const payload: UpdateJob = {
      botId: 'default',
      update: update as UpdateJob['update'],
      receivedAt: Date.now(),
    };
    await acceptUpdate({ redis, keys, inbox: createInbox(redis, keys), updatesQueue: queue }, payload);
  };
  const replies = (chatId: number) => emulator.botMessages(chatId).map((m) => m.text);

  it('finishes the job in flight on shutdown within the grace period', async () => {
    const worker = await startWorker(config({ SHUTDOWN_GRACE_MS: '10000' }), logger);
    const c = chat++;
    await userSays('slow question', c);
    await waitFor(() => sim.stats().inFlight > 0, { what: 'the LLM call to start' });
    await worker.close();
    // The answer was delivered before close() resolved.
    expect(replies(c)).toHaveLength(1);
  });

  it('hands an unfinished job back when the grace period ends; another worker answers it once', async () => {
    const first = await startWorker(config({ SHUTDOWN_GRACE_MS: '100' }), logger);
    const c = chat++;
    await userSays('slow question two', c);
    await waitFor(() => sim.stats().inFlight > 0, { what: 'the LLM call to start' });
    await first.close();
    const second: RunningWorker = await startWorker(config(), logger);
    try {
      await waitFor(() => replies(c).length >= 1, {
        timeoutMs: 20_000,
        what: 'the answer from the second worker',
      });
      await sleep(2_500);
      expect(replies(c)).toHaveLength(1);
    } finally {
      await second.close();
    }
  }, 30_000);

  it('carries on by itself after Redis restarts, losing nothing (AOF)', async () => {
    const worker = await startWorker(config({ SHUTDOWN_GRACE_MS: '2000' }), logger);
    try {
      const c = chat++;
      await userSays('before the restart', c);
      await waitFor(() => replies(c).length === 1, { what: 'first answer' });
      const port = Number(new URL(local.url).port);
      await userSays('queued right before the restart', c);
      await local.stop(); // SIGTERM: Redis flushes the AOF and exits
      await sleep(500);
      local = await startRedisServer({ port, appendOnly: true, dir });
      await waitFor(() => replies(c).length === 2, {
        timeoutMs: 20_000,
        what: 'the answer after the restart',
      });
      await userSays('after the restart', c);
      await waitFor(() => replies(c).length === 3, { timeoutMs: 20_000, what: 'a new message answered' });
      expect(replies(c)[2]).toContain('(turn 3)');
    } finally {
      await worker.close();
    }
  }, 45_000);
});

function createTestRedisAt(url: string): Redis {
  const saved = process.env.REDIS_URL;
  process.env.REDIS_URL = url;
  try {
    return createTestRedis();
  } finally {
    process.env.REDIS_URL = saved;
  }
}
