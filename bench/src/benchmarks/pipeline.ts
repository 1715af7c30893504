import { availableParallelism } from 'node:os';
import type { BenchContext } from '../context';
import { injectAtRate, injectBurst, type Observed, observe } from '../load';
import type { BenchmarkResult } from '../report/types';
import { INSTANT_LLM, ParleyApps, StandIns, startRedis } from '../stack';
import { fmt } from '../stats';
import { runBullmq } from './bullmq-baseline';
import { compare, failed } from './common';
import { type CpuRow, cpuBetween, cpuTable, sampleCpu } from './process-cpu';

/**
 * pipeline: maximum sustained messages per second through Parley's whole pipeline with an
 * instant LLM, against raw BullMQ add + no-op process; and the platform's own update→reply
 * latency at fixed offered rates.
 */

const ID = 'pipeline';
const TITLE = 'pipeline';
const DESCRIPTION =
  "Baseline: raw BullMQ in the benchmark process (`Queue.add` from 32 concurrent callers, one `Worker` with a no-op processor, concurrency 32). Parley: emulator → gateway → Redis → 1 worker → instant LLM simulator (`--ttft-ms 0 --tokens-per-second 0`) → `sendMessage` at the emulator, with COALESCE_WINDOW_MS=0, CACHE_ENABLED=false. Messages are injected with the emulator's `POST /_emulator/messages` (the emulator delivers them to the gateway through its webhook, `max_connections` 100) and a reply counts when it appears in the emulator's `GET /_emulator/events` stream. Throughput = messages / time from the first injection to the last reply of a burst. Target: Parley ≥ 0.5 × BullMQ.";

const CHATS = 500;
const TARGET = 0.5;

export async function runPipeline(ctx: BenchContext): Promise<BenchmarkResult> {
  const startedAt = Date.now();
  const quick = ctx.options.quick;
  const jobs = quick ? 3_000 : 20_000;
  const messages = quick ? 1_500 : 6_000;
  const rates = quick ? [25, 100] : [25, 100, 200];
  const stepMs = quick ? 4_000 : 15_000;
  const redis = await startRedis();
  const standIns = new StandIns(ctx.http, ctx.logDir, 'pipeline');
  const apps = new ParleyApps(standIns, ctx.logDir);
  try {
    ctx.progress.update(0.02, 'pipeline: raw BullMQ add + no-op worker');
    const baseline = await runBullmq(redis.url, {
      count: jobs,
      concurrency: 32,
      adders: 32,
      queueName: 'bench-raw',
    });

    ctx.progress.update(0.2, 'pipeline: starting emulator, simulator, gateway, worker');
    await standIns.start(INSTANT_LLM);
    await apps.start({ redisUrl: redis.url, maxConnections: 100 });
    const watcher = standIns.watcher;
    if (!watcher) throw new Error('no reply watcher');
    const inject = (chatId: number, text: string) => standIns.inject(chatId, text);

    ctx.progress.update(0.3, 'pipeline: warm-up');
    await observe(watcher, await injectBurst(inject, { count: 100, chats: CHATS, concurrency: 16 }), 15_000);

    ctx.progress.update(0.35, `pipeline: burst of ${messages} messages through Parley`);
    const cpuBefore = sampleCpu();
    const burstStart = Date.now();
    const burst = await injectBurst(inject, { count: messages, chats: CHATS, concurrency: 64 });
    const injectMs = Date.now() - burstStart;
    const burstSeen = await observe(watcher, burst, 60_000);
    const cpuAfter = sampleCpu();
    const cpu = cpuBetween(cpuBefore, cpuAfter);
    const lastReply = Math.max(...burst.tokens.map((t) => watcher.seen.get(t) ?? 0));
    const elapsedMs = Math.max(1, lastReply - burstStart);
    const parleyRate = (burstSeen.answered * 1000) / elapsedMs;

    const latencies: Array<{ rate: number; seen: Observed }> = [];
    for (const [i, rate] of rates.entries()) {
      ctx.progress.update(0.6 + (0.35 * i) / rates.length, `pipeline: latency at ${rate} msg/s`);
      const sent = await injectAtRate(inject, { rate, durationMs: stepMs, chats: CHATS, signal: ctx.signal });
      latencies.push({ rate, seen: await observe(watcher, sent, 15_000) });
    }

    const notes = [
      `BullMQ: ${baseline.jobs} jobs in ${fmt(baseline.elapsedMs / 1000)} s. Parley: ${burstSeen.answered} of ${burstSeen.sent} replies in ${fmt(elapsedMs / 1000)} s (injection alone took ${fmt(injectMs / 1000)} s, 64 concurrent requests to the emulator, ${CHATS} chats).`,
      'The Parley figure includes the emulator (Telegram stand-in), the simulator and the event stream on the same 2-core machine; the BullMQ figure has none of them.',
      ...cpuNotes(cpu, burstSeen.answered, baseline.jobsPerSecond),
    ];
    if (burst.failed > 0) notes.push(`${burst.failed} injections failed.`);
    return {
      id: ID,
      title: TITLE,
      description: DESCRIPTION,
      status: 'measured',
      comparison: compare({
        metric: 'max throughput',
        unit: 'msg/s',
        baselineLabel: 'raw BullMQ',
        baseline: baseline.jobsPerSecond,
        subjectLabel: 'Parley pipeline',
        subject: parleyRate,
        target: { op: '>=', value: TARGET },
      }),
      tables: [
        {
          caption: 'Maximum throughput',
          table: {
            columns: ['system', 'messages', 'seconds', 'msg/s'],
            rows: [
              [
                'raw BullMQ add + no-op (baseline)',
                String(baseline.jobs),
                fmt(baseline.elapsedMs / 1000),
                fmt(baseline.jobsPerSecond, 0),
              ],
              ['Parley full pipeline', String(burstSeen.answered), fmt(elapsedMs / 1000), fmt(parleyRate, 0)],
            ],
          },
        },
        {
          caption: `CPU during the burst (${burstSeen.answered} messages in ${fmt((cpuAfter.at - cpuBefore.at) / 1000)} s; utime + stime from /proc/<pid>/stat)`,
          table: cpuTable(cpu, burstSeen.answered, cpuAfter.at - cpuBefore.at),
        },
        {
          caption: `Platform overhead: update→reply latency with an instant LLM (${stepMs / 1000} s per rate)`,
          table: {
            columns: ['offered msg/s', 'sent', 'answered', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
            rows: latencies.map(({ rate, seen }) => [
              String(rate),
              String(seen.sent),
              String(seen.answered),
              fmt(seen.latency.p50, 0),
              fmt(seen.latency.p95, 0),
              fmt(seen.latency.p99, 0),
              fmt(seen.latency.max, 0),
            ]),
          },
        },
      ],
      plot: {
        kind: 'line',
        title: 'pipeline: update→reply latency, instant LLM',
        xLabel: 'offered load (msg/s)',
        yLabel: 'latency (ms)',
        series: (['p50', 'p95', 'p99'] as const).map((q) => ({
          name: q,
          points: latencies.map(({ rate, seen }) => [rate, seen.latency[q]] as [number, number]),
        })),
      },
      notes,
      durationMs: Date.now() - startedAt,
    };
  } catch (err) {
    return failed(ID, TITLE, DESCRIPTION, err, startedAt);
  } finally {
    await apps.stop();
    await standIns.stop();
    await redis.stop();
  }
}

const PARLEY = new Set(['gateway', 'worker', 'redis-server']);

/**
 * What bounds the burst, from the measured CPU: the machine can give at most `cores` CPU
 * seconds per second, so `1000 × cores / (CPU ms per message)` is the most messages per second
 * any share of the processes could reach. Said for Parley's own processes and for the rest.
 */
function cpuNotes(rows: CpuRow[], answered: number, baselineRate: number): string[] {
  if (answered === 0 || !rows.some((r) => PARLEY.has(r.label))) return [];
  const cores = availableParallelism();
  const msPer = (pick: (r: CpuRow) => boolean) =>
    (1000 * rows.filter(pick).reduce((a, r) => a + r.cpuSeconds, 0)) / answered;
  const parley = msPer((r) => PARLEY.has(r.label));
  const rest = msPer((r) => !PARLEY.has(r.label) && !r.label.startsWith('anything else'));
  const ceiling = (ms: number) => (ms > 0 ? (1000 * cores) / ms : Number.NaN);
  const notes = [
    `CPU per message during the burst: Parley's own processes (gateway, worker, redis-server) ${fmt(parley)} ms, the stand-ins and the load generator ${fmt(rest)} ms. On ${cores} cores that caps the whole set-up at ${fmt(ceiling(parley + rest), 0)} msg/s; Parley's processes alone, with free stand-ins, would cap at ${fmt(ceiling(parley), 0)} msg/s (${fmt(ceiling(parley) / baselineRate)}× the baseline).`,
  ];
  const wanted = TARGET * baselineRate;
  if (ceiling(parley + rest) < wanted) {
    notes.push(
      `So the target (${fmt(wanted, 0)} msg/s) is out of reach on this machine by CPU alone: it would need at most ${fmt((1000 * cores) / wanted)} ms of CPU per message for all these processes together, and the stand-ins and the load generator alone take ${fmt(rest)} ms (each message also costs Parley's processes three HTTP exchanges: the webhook, the LLM call and sendMessage).`,
    );
  }
  return notes;
}
