import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadWorkerConfig } from '@parley/config';
import { updateShardLayout } from '@parley/contracts';
import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import { createLogger } from '@parley/logging';
import { freePort, type LocalRedisCluster, startRedisCluster } from '@parley/redis';
import { sleep, uniquePrefix, waitFor } from '@parley/testing';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { Cluster, Redis } from 'ioredis';
import { type RunningWorker, startWorker } from './worker';

const TOKEN = '1000000003:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC';
const SECRET = 'cluster-secret';
const SHARDS = 8;
const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const logger = createLogger({
  name: 'cluster-test',
  level: (process.env.PARLEY_TEST_LOG as 'warn') ?? 'silent',
});

/** The real gateway process, run from source (tsx) so the test needs no build. */
function spawnGateway(env: Record<string, string>): ChildProcess {
  const tsx = pathToFileURL(createRequire(join(REPO_ROOT, 'package.json')).resolve('tsx')).href;
  const child = spawn(
    process.execPath,
    ['--conditions=@parley/source', '--import', tsx, join(REPO_ROOT, 'apps/gateway/src/main.ts')],
    { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (d: Buffer) => {
    if (process.env.PARLEY_TEST_VERBOSE) process.stderr.write(d);
  });
  return child;
}

/**
 * The whole path on a real Redis Cluster (3 masters): Telegram-like webhook posts to the gateway
 * process, lanes in 8 hash-tagged queue shards, two workers consuming every shard, replies
 * through the emulator. Every chat must get its replies in order, and the shards must live on
 * more than one node.
 */
describe('gateway and workers on a Redis Cluster with a sharded updates queue', () => {
  const prefix = uniquePrefix('cluster');
  let cluster: LocalRedisCluster;
  let emulator: Emulator;
  let sim: LlmSim;
  let gateway: ChildProcess | undefined;
  let gatewayUrl = '';
  let workers: RunningWorker[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster();
    emulator = await startEmulator({ tokens: [TOKEN] });
    sim = await startLlmSim({ ttftMs: 5, tokensPerSecond: 2_000 });
    const redisEnv = {
      REDIS_URL: cluster.nodeUrls[0] ?? '',
      REDIS_CLUSTER_NODES: cluster.target.nodes.map((n) => `${n.host}:${n.port}`).join(','),
      REDIS_KEY_PREFIX: prefix,
      UPDATE_QUEUE_SHARDS: String(SHARDS),
    };
    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    gateway = spawnGateway({
      ...redisEnv,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      BUSY_NOTICE_AFTER_MS: '0',
    });
    const config = loadWorkerConfig({
      ...redisEnv,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: emulator.url,
      OPENAI_BASE_URL: sim.baseURL,
      LLM_MODEL: 'parley-sim-1',
      LLM_MAX_RETRIES: '0',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      HISTORY_MAX_MESSAGES: '40',
      WORKER_CONCURRENCY: '12',
      COALESCE_WINDOW_MS: '0',
      LANE_MAX_BATCHES_PER_RUN: '2',
      TELEGRAM_GLOBAL_PER_SECOND: '1000',
      TELEGRAM_CHAT_PER_SECOND: '30',
      TELEGRAM_CHAT_BURST: '30',
      SHUTDOWN_GRACE_MS: '2000',
    });
    workers = [await startWorker(config, logger), await startWorker(config, logger)];
    await waitFor(
      async () => {
        try {
          return (await fetch(`${gatewayUrl}/readyz`)).status === 200;
        } catch {
          return false;
        }
      },
      { what: 'the gateway on the cluster to be ready', timeoutMs: 30_000, intervalMs: 200 },
    );
  }, 90_000);

  afterAll(async () => {
    gateway?.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.close()));
    await emulator?.close();
    await sim?.close();
    await sleep(200);
    await cluster?.stop();
  });

  const post = async (update: unknown) => {
    const res = await fetch(`${gatewayUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
    return res.status;
  };

  it('answers every chat in order and spreads the shards over several nodes', async () => {
    const chats = Array.from({ length: 24 }, (_, i) => 8_100 + i);
    const perChat = 5;
    // Like Telegram: one chat's updates one after another, different chats at the same time.
    await Promise.all(
      chats.map(async (chatId) => {
        for (let seq = 1; seq <= perChat; seq++) {
          const update = emulator.sendUserMessage({ text: `c${chatId}m${seq} hello`, chatId });
          expect(await post(update)).toBe(200);
        }
      }),
    );
    await waitFor(() => chats.every((c) => emulator.botMessages(c).length === perChat), {
      timeoutMs: 60_000,
      what: 'every reply',
    });
    for (const chatId of chats) {
      const replies = emulator.botMessages(chatId).map((m) => m.text ?? '');
      replies.forEach((reply, i) => {
        expect(reply).toContain(`c${chatId}m${i + 1} `);
        expect(reply).toContain(`(turn ${i + 1})`);
      });
    }

    // Which node holds each shard that carried lanes.
    const client = new Cluster(cluster.target.nodes);
    const anyNode = new Redis(cluster.nodeUrls[0] ?? '');
    try {
      await waitFor(() => client.status === 'ready', { what: 'a cluster client' });
      const nodesUsed = new Set<string>();
      for (const shard of updateShardLayout(prefix, SHARDS, { hashTags: true })) {
        const completed = `${shard.queuePrefix}:updates:completed`;
        if ((await client.zcard(completed)) === 0) continue;
        const slot = Number(await anyNode.call('CLUSTER', 'KEYSLOT', completed));
        nodesUsed.add(client.slots[slot]?.[0] ?? '?');
      }
      expect(nodesUsed.size).toBeGreaterThan(1);
      // No lane went through the unsharded queue (which would sit in one slot of one node).
      for (const key of ['updates:id', 'updates:completed', 'lanes:pending']) {
        expect(await client.exists(`${prefix}:${key}`)).toBe(0);
      }
    } finally {
      client.disconnect();
      anyNode.disconnect();
    }
  }, 120_000);
});
