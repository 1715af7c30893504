import { Redis } from 'ioredis';
import type { BenchContext } from '../context';
import { injectBurst, observe } from '../load';
import type { BenchmarkResult } from '../report/types';
import { INSTANT_LLM, ParleyApps, StandIns, startRedis } from '../stack';
import { fmt } from '../stats';
import { runBullmq } from './bullmq-baseline';
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
    return parseCommandStats(await redis.info('commandstats'));
  } finally {
    redis.disconnect();
  }
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
      const seen = await observe(
        watcher,
        await injectBurst(inject, { count, chats: 200, concurrency: 16 }),
        60_000,
      );
      parley = await commandStats(redis.url);
      answered = seen.answered;
    } finally {
      await apps.stop();
      await standIns.stop();
      await redis.stop();
    }

    const perBull = totalCalls(bull) / Math.max(1, bullJobs);
    const perParley = totalCalls(parley) / Math.max(1, answered);
    const names = [...new Set([...Object.keys(bull), ...Object.keys(parley)])].sort(
      (a, b) => (parley[b] ?? 0) - (parley[a] ?? 0) || (bull[b] ?? 0) - (bull[a] ?? 0),
    );
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
          caption: `Calls per message by command (BullMQ: ${bullJobs} jobs, Parley: ${answered} answered messages)`,
          table: {
            columns: ['command', 'BullMQ calls/msg', 'Parley calls/msg'],
            rows: [
              ...names.map((n) => [
                n,
                fmt((bull[n] ?? 0) / Math.max(1, bullJobs)),
                fmt((parley[n] ?? 0) / Math.max(1, answered)),
              ]),
              ['**total**', fmt(perBull), fmt(perParley)],
            ],
          },
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
      ],
      durationMs: Date.now() - startedAt,
    };
  } catch (err) {
    return failed(ID, TITLE, DESCRIPTION, err, startedAt);
  }
}
