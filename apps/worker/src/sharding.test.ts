import { loadWorkerConfig } from '@parley/config';
import { chatShardIndex, createKeyspace, queues, type UpdateJob, updateShardLayout } from '@parley/contracts';
import { acceptUpdate, createInbox, createLaneShards } from '@parley/lanes';
import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import { createLogger } from '@parley/logging';
import { createTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@parley/testing';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { Queue } from 'bullmq';
import { type RunningWorker, startWorker } from './worker';

const TOKEN = '1000000004:DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD';
const SHARDS = 3;
const logger = createLogger({ name: 'sharding-test', level: 'silent' });

/** A worker consuming every shard of a sharded updates queue on one Redis. */
describe('worker with a sharded updates queue', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('shards');
  const keys = createKeyspace(prefix);
  const inbox = createInbox(redis, keys);
  const shards = createLaneShards(
    updateShardLayout(prefix, SHARDS),
    (s) => new Queue(queues.updates.name, { connection: redis, prefix: s.queuePrefix }),
  );
  let emulator: Emulator;
  let sim: LlmSim;
  let worker: RunningWorker;

  beforeAll(async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    sim = await startLlmSim({ ttftMs: 0, tokensPerSecond: 0 });
    worker = await startWorker(
      loadWorkerConfig({
        REDIS_URL: testRedisUrl(),
        REDIS_KEY_PREFIX: prefix,
        UPDATE_QUEUE_SHARDS: String(SHARDS),
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: emulator.url,
        OPENAI_BASE_URL: sim.baseURL,
        LLM_MODEL: 'parley-sim-1',
        LLM_MAX_RETRIES: '0',
        METRICS_PORT: '0',
        METRICS_HOST: '127.0.0.1',
        COALESCE_WINDOW_MS: '0',
        CACHE_ENABLED: 'false',
        LANE_SWEEP_INTERVAL_MS: '1000',
        LANE_STALE_AFTER_MS: '1000',
        SHUTDOWN_GRACE_MS: '2000',
      }),
      logger,
    );
  });
  afterAll(async () => {
    await worker.close();
    await Promise.all(shards.all.map((s) => s.queue.close()));
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
    await acceptUpdate({ redis, keys, inbox, shards }, payload);
  };
  const replies = (chatId: number) => emulator.botMessages(chatId).map((m) => m.text ?? '');

  it('answers chats of every shard, in order', async () => {
    const chats = Array.from({ length: 9 }, (_, i) => 6_000 + i);
    expect(new Set(chats.map((c) => chatShardIndex('default', c, SHARDS))).size).toBe(SHARDS);
    for (let seq = 1; seq <= 3; seq++) await Promise.all(chats.map((c) => userSays(`c${c}m${seq} hi`, c)));
    await waitFor(() => chats.every((c) => replies(c).length === 3), {
      what: 'all replies',
      timeoutMs: 20_000,
    });
    for (const chat of chats) {
      replies(chat).forEach((reply, i) => {
        expect(reply).toContain(`c${chat}m${i + 1} `);
      });
    }
    // Exposes one gauge series per shard.
    const metrics = await (await fetch(`${worker.metricsUrl}/metrics`)).text();
    for (let i = 0; i < SHARDS; i++) expect(metrics).toContain(`queue="updates-q${i}"`);
  });

  it("re-arms a lost lane from its shard's sweeper", async () => {
    const chat = [7_000, 7_001, 7_002, 7_003].find(
      (c) => chatShardIndex('default', c, SHARDS) === 2,
    ) as number;
    const shard = shards.all[2];
    if (!shard) throw new Error('no shard 2');
    // The update is stored and indexed, but its lane job is lost before any worker sees it.
    const update = emulator.sendUserMessage({ text: 'lost lane', chatId: chat });
    const payload: UpdateJob = {
      botId: 'default',
      update: update as UpdateJob['update'],
      receivedAt: Date.now(),
    };
    const stored = await inbox.accept(
      { botId: payload.botId, updateId: payload.update.update_id, json: JSON.stringify(payload) },
      chat,
      60_000,
    );
    expect(stored.armed).toBe(true);
    await redis.zadd(shard.pendingLanes, Date.now() - 5_000, `default:${chat}`);
    await waitFor(() => replies(chat).length === 1, {
      what: 'the sweeper to re-arm the lane',
      timeoutMs: 15_000,
    });
    expect(replies(chat)[0]).toContain('lost lane');
  });
});
