import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@parley/redis';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import type { BenchContext } from '../context';
import { ManagedProcess, SCRIPTS, stopAll } from '../processes';
import type { BenchmarkResult } from '../report/types';
import { newSecret, startRedis, WEBHOOK_PATH } from '../stack';
import { fmt } from '../stats';
import { compare, failed } from './common';
import { type CpuRow, cpuBetween, sampleCpu } from './process-cpu';

/**
 * ingest: how fast the gateway acknowledges webhook updates, against a bare node:http server
 * that only reads the body. Same autocannon settings and the same request bodies on both sides.
 */

const ID = 'ingest';
const TITLE = 'ingest';
const DESCRIPTION =
  "autocannon against a bare `node:http` server that reads the body and answers 200 (baseline), then against the gateway's `POST /telegram/webhook` (Redis on loopback, no worker: the backlog accumulates and is deleted afterwards). Every request carries a valid Telegram update with a unique `update_id`, spread over 10,000 chats. Target: gateway req/s ≥ 0.6 × baseline.";

const CHATS = 10_000;

export interface LoadSettings {
  connections: number;
  pipelining: number;
  durationS: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

function updateBody(id: number): string {
  const chatId = 300_000 + (id % CHATS);
  return JSON.stringify({
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private', first_name: `U${chatId}` },
      from: { id: chatId, is_bot: false, first_name: `U${chatId}` },
      text: `hello ${id}`,
    },
  });
}

let nextUpdateId = 1;

/** One autocannon run; every request gets the next update_id. */
export async function runLoad(url: string, secret: string, s: LoadSettings): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: s.connections,
    pipelining: s.pipelining,
    duration: s.durationS,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        setupRequest: (request) => ({ ...request, body: updateBody(nextUpdateId++) }),
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function deletePrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

export async function runIngest(ctx: BenchContext): Promise<BenchmarkResult> {
  const startedAt = Date.now();
  const settings: LoadSettings = { connections: 32, pipelining: 1, durationS: ctx.options.quick ? 6 : 20 };
  const warmupS = ctx.options.quick ? 1 : 3;
  const secret = newSecret();
  const keyPrefix = `bench-ingest-${process.pid}`;
  let raw: ManagedProcess | undefined;
  let gateway: ManagedProcess | undefined;
  const redis = await startRedis();
  try {
    ctx.progress.update(0.05, 'ingest: starting the raw node:http server');
    const rawPort = await freePort();
    raw = new ManagedProcess(
      'raw-http',
      SCRIPTS.rawHttp,
      ['--port', String(rawPort)],
      { PATH: process.env.PATH ?? '' },
      join(ctx.logDir, 'raw-http.log'),
    ).start();
    await raw.ready(`http://127.0.0.1:${rawPort}/livez`);
    const rawUrl = `http://127.0.0.1:${rawPort}${WEBHOOK_PATH}`;
    ctx.progress.update(0.1, 'ingest: baseline (raw node:http) under autocannon');
    await runLoad(rawUrl, secret, { ...settings, durationS: warmupS });
    const rawCpuBefore = sampleCpu();
    const baseline = await runLoad(rawUrl, secret, settings);
    const rawCpu = cpuBetween(rawCpuBefore, sampleCpu());
    await raw.stop();

    ctx.progress.update(0.5, 'ingest: starting the gateway');
    const gatewayPort = await freePort();
    gateway = new ManagedProcess(
      'gateway-ingest',
      SCRIPTS.gateway,
      [],
      {
        PATH: process.env.PATH ?? '',
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: keyPrefix,
        TELEGRAM_WEBHOOK_SECRET: secret,
        TELEGRAM_WEBHOOK_PATH: WEBHOOK_PATH,
        PORT: String(gatewayPort),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        BUSY_NOTICE_AFTER_MS: '0',
        SHUTDOWN_GRACE_MS: '2000',
      },
      join(ctx.logDir, 'gateway-ingest.log'),
    ).start();
    await gateway.ready(`http://127.0.0.1:${gatewayPort}/readyz`);
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}${WEBHOOK_PATH}`;
    ctx.progress.update(0.55, 'ingest: gateway under autocannon');
    await runLoad(gatewayUrl, secret, { ...settings, durationS: warmupS });
    const gatewayCpuBefore = sampleCpu();
    const subject = await runLoad(gatewayUrl, secret, settings);
    const gatewayCpu = cpuBetween(gatewayCpuBefore, sampleCpu());
    await gateway.stop();
    ctx.progress.update(0.95, 'ingest: deleting the backlog');
    const deleted = await deletePrefix(redis.url, keyPrefix);

    const row = (label: string, r: LoadResult) => [
      label,
      fmt(r.requestsPerSecond, 0),
      fmt(r.p50),
      fmt(r.p99),
      String(r.total),
      String(r.non2xx),
      String(r.errors),
    ];
    const notes = [
      `autocannon: ${settings.connections} connections, pipelining ${settings.pipelining}, ${settings.durationS} s per side after a ${warmupS} s warm-up; autocannon runs in the benchmark process on the same machine.`,
      `${deleted} Redis keys of the accumulated backlog were deleted afterwards.`,
    ];
    // Why the ratio is what it is: CPU per request of every process on each side. On a machine
    // whose cores are all busy, requests per second is about cores / CPU seconds per request.
    const perRequestUs = (rows: CpuRow[], requests: number) =>
      new Map(rows.map((r) => [r.label, (r.cpuSeconds * 1e6) / Math.max(1, requests)]));
    const rawUs = perRequestUs(rawCpu, baseline.total);
    const gatewayUs = perRequestUs(gatewayCpu, subject.total);
    const labels = [...new Set([...rawUs.keys(), ...gatewayUs.keys()])];
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    const cpuRows = labels.map((label) => [
      label,
      rawUs.has(label) ? fmt(rawUs.get(label) ?? 0, 1) : '–',
      gatewayUs.has(label) ? fmt(gatewayUs.get(label) ?? 0, 1) : '–',
    ]);
    cpuRows.push(['**total**', fmt(sum(rawUs), 1), fmt(sum(gatewayUs), 1)]);
    const serverUs = (m: Map<string, number>, names: string[]) =>
      names.reduce((a, n) => a + (m.get(n) ?? 0), 0);
    const rawServer = serverUs(rawUs, ['raw node:http server']);
    const parleyServer = serverUs(gatewayUs, ['gateway', 'redis-server']);
    if (sum(rawUs) > 0 && sum(gatewayUs) > 0) {
      notes.push(
        `Measured cause: per request the raw server used ${fmt(rawServer, 1)} µs of CPU, the gateway and redis-server together ${fmt(parleyServer, 1)} µs (parse and validate the update, the inbox script, the lane-armed marker, for a chat's first update BullMQ's add, and the Redis round trip). With the load generator on the same ${availableParallelism()} cores, the whole machine spent ${fmt(sum(rawUs), 1)} µs per raw request and ${fmt(sum(gatewayUs), 1)} µs per gateway request: the CPU ratio ${fmt(sum(rawUs) / sum(gatewayUs), 2)} predicts the throughput ratio.`,
      );
    }
    if (subject.non2xx > 0 || subject.errors > 0) {
      notes.push(
        `The gateway answered ${subject.non2xx} requests with a non-2xx status and ${subject.errors} failed: its req/s includes them.`,
      );
    }
    return {
      id: ID,
      title: TITLE,
      description: DESCRIPTION,
      status: 'measured',
      comparison: compare({
        metric: 'throughput',
        unit: 'req/s',
        baselineLabel: 'raw node:http',
        baseline: baseline.requestsPerSecond,
        subjectLabel: 'gateway',
        subject: subject.requestsPerSecond,
        target: { op: '>=', value: 0.6 },
      }),
      tables: [
        {
          caption: 'Webhook ingest under autocannon',
          table: {
            columns: ['server', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors'],
            rows: [row('raw node:http (baseline)', baseline), row('Parley gateway', subject)],
          },
        },
        {
          caption: 'CPU per request, µs (from /proc/<pid>/stat of each process over the measured interval)',
          table: { columns: ['process', 'raw node:http side', 'gateway side'], rows: cpuRows },
        },
      ],
      plot: {
        kind: 'bar',
        title: 'ingest: webhook requests per second',
        unit: 'req/s',
        bars: [
          { label: 'raw node:http', value: baseline.requestsPerSecond },
          { label: 'Parley gateway', value: subject.requestsPerSecond },
        ],
      },
      notes,
      durationMs: Date.now() - startedAt,
    };
  } catch (err) {
    return failed(ID, TITLE, DESCRIPTION, err, startedAt);
  } finally {
    await stopAll([raw, gateway]);
    await redis.stop();
  }
}
