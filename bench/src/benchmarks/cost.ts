import { Redis } from 'ioredis';
import type { BenchContext } from '../context';
import { injectBurst, observe } from '../load';
import type { BenchmarkResult } from '../report/types';
import { INSTANT_LLM, ParleyApps, StandIns, startRedis } from '../stack';
import { fmt } from '../stats';
import { runBullmq } from './bullmq-baseline';
import { CommandOrigins, type OriginTally } from './command-origins';
import { parseCommandStats, totalCalls } from './commandstats';
import { compare, failed } from './common';

/**
 * cost: Redis commands per message, from `INFO commandstats` reset with `CONFIG RESETSTAT`
 * before each side: Parley's whole pipeline vs BullMQ's own add + process of one job.
 */

const ID = 'cost';
const TITLE = 'cost (Redis commands)';
const DESCRIPTION =
  'Redis commands per message, read from `INFO commandstats` after `CONFIG RESETSTAT`, each side on its own fresh redis-server. Baseline: BullMQ `Queue.add` + a no-op `Worker` (the same code as the pipeline baseline). Parley: messages through the whole pipeline (emulator → gateway → worker → instant LLM → reply) until every reply arrived. Commands run inside Lua scripts are counted by Redis as well. Target: Parley ≤ 1.5 × BullMQ.';

async function commandStats(url: string): Promise<Record<string, number>> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    const calls = parseCommandStats(await redis.info('commandstats'));
    // The origins' MONITOR session is the benchmark's own, like INFO and CONFIG.
    delete calls.monitor;
    return calls;
  } finally {
    redis.disconnect();
  }
}

/** How many commands a table names before summing up the rest. */
const TOP = 12;

const byCalls = (calls: Record<string, number>) => Object.entries(calls).sort((a, b) => b[1] - a[1]);

/** The most frequent commands of each side, next to each other. */
function topCommandsTable(
  bull: Record<string, number>,
  bullJobs: number,
  parley: Record<string, number>,
  answered: number,
) {
  const left = byCalls(bull);
  const right = byCalls(parley);
  const per = (n: number, count: number) => fmt(n / Math.max(1, count));
  const rows: string[][] = [];
  for (let i = 0; i < TOP; i++) {
    const [bName, bCalls] = left[i] ?? ['', 0];
    const [pName, pCalls] = right[i] ?? ['', 0];
    if (!bName && !pName) break;
    rows.push([
      String(i + 1),
      bName,
      bName ? per(bCalls, bullJobs) : '',
      pName,
      pName ? per(pCalls, answered) : '',
    ]);
  }
  const rest = (all: Array<[string, number]>) => all.slice(TOP).reduce((a, [, n]) => a + n, 0);
  rows.push(['', 'all others', per(rest(left), bullJobs), 'all others', per(rest(right), answered)]);
  rows.push([
    '',
    '**total**',
    per(totalCalls(bull), bullJobs),
    '**total**',
    per(totalCalls(parley), answered),
  ]);
  return {
    columns: ['#', 'BullMQ: command', 'calls/msg', 'Parley: command', 'calls/msg'],
    rows,
  };
}

const ORIGIN_ORDER = ["gateway: Parley's own", 'gateway: BullMQ', "worker: Parley's own", 'worker: BullMQ'];
const IGNORED = new Set(['info', 'config', 'client', 'monitor']);

/** Parley's commands per message by process and role, each with its most frequent commands. */
function originTable(tally: OriginTally, answered: number) {
  const rows = [...tally.byOrigin]
    .filter(([origin]) => !origin.startsWith('other'))
    .map(([origin, counts]) => {
      const entries = [...counts].filter(([cmd]) => !IGNORED.has(cmd)).sort((a, b) => b[1] - a[1]);
      const total = entries.reduce((a, [, n]) => a + n, 0);
      const top = entries
        .slice(0, 6)
        .map(([cmd, n]) => `${cmd} ${fmt(n / Math.max(1, answered))}`)
        .join(', ');
      return { origin, total, top };
    })
    .sort((a, b) => rank(a.origin) - rank(b.origin));
  const sum = rows.reduce((a, r) => a + r.total, 0);
  return {
    columns: ['origin', 'calls/msg', 'share', 'most frequent (calls/msg)'],
    rows: [
      ...rows.map((r) => [
        r.origin,
        fmt(r.total / Math.max(1, answered)),
        `${fmt((100 * r.total) / Math.max(1, sum), 0)} %`,
        r.top,
      ]),
      ['**total**', fmt(sum / Math.max(1, answered)), '100 %', ''],
    ],
  };
}

function rank(origin: string): number {
  const i = ORIGIN_ORDER.indexOf(origin);
  return i < 0 ? ORIGIN_ORDER.length : i;
}

async function resetStats(url: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    await redis.config('RESETSTAT');
  } finally {
    redis.disconnect();
  }
}

export async function runCost(ctx: BenchContext): Promise<BenchmarkResult> {
  const startedAt = Date.now();
  const count = ctx.options.quick ? 300 : 2_000;
  try {
    ctx.progress.update(0.05, 'cost: BullMQ add + process');
    const bullRedis = await startRedis();
    let bull: Record<string, number> = {};
    let bullJobs = 0;
    try {
      const run = await runBullmq(bullRedis.url, {
        count,
        concurrency: 32,
        adders: 16,
        queueName: 'bench-cost',
        beforeStart: () => resetStats(bullRedis.url),
        afterDone: async () => {
          bull = await commandStats(bullRedis.url);
        },
      });
      bullJobs = run.jobs;
    } finally {
      await bullRedis.stop();
    }

    ctx.progress.update(0.3, 'cost: starting Parley');
    const redis = await startRedis();
    const standIns = new StandIns(ctx.http, ctx.logDir, 'cost');
    const apps = new ParleyApps(standIns, ctx.logDir);
    let parley: Record<string, number> = {};
    let origins: OriginTally = { byOrigin: new Map() };
    let answered = 0;
    try {
      await standIns.start(INSTANT_LLM);
      await apps.start({ redisUrl: redis.url, maxConnections: 100 });
      const watcher = standIns.watcher;
      if (!watcher) throw new Error('no reply watcher');
      const inject = (chatId: number, text: string) => standIns.inject(chatId, text);
      await observe(watcher, await injectBurst(inject, { count: 20, chats: 20, concurrency: 4 }), 15_000);
      ctx.progress.update(0.6, `cost: ${count} messages through Parley`);
      await resetStats(redis.url);
      const monitor = new CommandOrigins(redis.url);
      await monitor.start();
      const seen = await observe(
        watcher,
        await injectBurst(inject, { count, chats: 200, concurrency: 16 }),
        60_000,
      );
      parley = await commandStats(redis.url);
      origins = await monitor.stop();
      answered = seen.answered;
    } finally {
      await apps.stop();
      await standIns.stop();
      await redis.stop();
    }

    const perBull = totalCalls(bull) / Math.max(1, bullJobs);
    const perParley = totalCalls(parley) / Math.max(1, answered);
    return {
      id: ID,
      title: TITLE,
      description: DESCRIPTION,
      status: 'measured',
      comparison: compare({
        metric: 'Redis commands per message',
        unit: 'calls/msg',
        baselineLabel: 'BullMQ add + process',
        baseline: perBull,
        subjectLabel: 'Parley pipeline',
        subject: perParley,
        target: { op: '<=', value: 1.5 },
      }),
      tables: [
        {
          caption: `Most frequent commands per message (BullMQ: ${bullJobs} jobs, Parley: ${answered} answered messages; commands run inside Lua scripts included)`,
          table: topCommandsTable(bull, bullJobs, parley, answered),
        },
        {
          caption:
            "Parley's commands per message by origin (from a MONITOR session during the same run; a script's inner commands count for the script's caller)",
          table: originTable(origins, answered),
        },
      ],
      plot: {
        kind: 'bar',
        title: 'cost: Redis commands per message',
        unit: 'calls/msg',
        bars: [
          { label: 'BullMQ add + process', value: perBull },
          { label: 'Parley pipeline', value: perParley },
        ],
      },
      notes: [
        'Both sides include their idle polling (blocking pops, stalled-job checks, lock renewals) during the measurement, since a real deployment pays for those too.',
        'Parley stores more than a job per message (inbox, conversation history, reply ledger, rate limiting), so part of the difference is functionality BullMQ alone does not have.',
        ...costNotes(origins, answered, perBull),
      ],
      durationMs: Date.now() - startedAt,
    };
  } catch (err) {
    return failed(ID, TITLE, DESCRIPTION, err, startedAt);
  }
}

/**
 * Says what the target leaves for Parley's own work once BullMQ's share (one lane job per
 * message, with deduplication) is paid: the part of the gap that the worker's code can close.
 */
function costNotes(tally: OriginTally, answered: number, perBull: number): string[] {
  if (answered === 0 || tally.byOrigin.size === 0) return [];
  const per = (pick: (origin: string) => boolean) =>
    [...tally.byOrigin]
      .filter(([origin]) => pick(origin))
      .reduce(
        (a, [, counts]) => a + [...counts].filter(([c]) => !IGNORED.has(c)).reduce((b, [, n]) => b + n, 0),
        0,
      ) / answered;
  const bullmq = per((o) => o.endsWith('BullMQ'));
  const own = per((o) => o.endsWith("Parley's own"));
  const budget = 1.5 * perBull;
  return [
    `Of Parley's ${fmt(bullmq + own)} calls per message, BullMQ's work for the chat's lane job (add with deduplication, fetch, complete, locks) is ${fmt(bullmq)} and Parley's own ${fmt(own)}. The target allows ${fmt(budget)} in all: ${bullmq >= budget ? "BullMQ's share alone exceeds it" : `${fmt(budget - bullmq)} left for Parley's own work`}.`,
  ];
}
