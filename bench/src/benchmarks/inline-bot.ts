import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '@parley/redis';
import type { BenchContext } from '../context';
import { ManagedProcess, SCRIPTS, stopAll } from '../processes';
import { type RampResult, ramp } from '../ramp';
import type { BenchmarkResult } from '../report/types';
import { ParleyApps, SIM_MODEL, type SimSettings, StandIns, startRedis, WEBHOOK_PATH } from '../stack';
import { fmt } from '../stats';
import { compare, failed } from './common';

/**
 * vs inline bot: the highest offered message rate whose update→reply p95 stays under 2 s, for a
 * grammY webhookCallback bot that calls the LLM inside the webhook request, and for Parley. Same
 * simulator settings, same webhook max_connections (40), fresh emulator and simulator per side.
 */

const ID = 'inline-bot';
const TITLE = 'vs inline bot';
const SIM: SimSettings = { ttftMs: 500, tokensPerSecond: 50, capacity: 512 };
const MAX_CONNECTIONS = 40;
const P95_LIMIT_MS = 2_000;
const CHATS = 2_000;
const PARLEY_WORKER_CONCURRENCY = 256;
const DESCRIPTION = `Offered load (messages injected at the emulator with \`POST /_emulator/messages\`, round-robin over ${CHATS} private chats) is stepped up until the update→reply p95 reaches ${P95_LIMIT_MS / 1000} s (unanswered messages count as infinitely late). Baseline: a grammY bot with \`webhookCallback\` that calls the LLM (openai SDK) inside the webhook request, as most LLM bots are written. Parley: gateway + 1 worker (WORKER_CONCURRENCY=${PARLEY_WORKER_CONCURRENCY}). Both: simulator with ttft ${SIM.ttftMs} ms, ${SIM.tokensPerSecond} tokens/s, capacity ${SIM.capacity}; the emulator delivers with \`max_connections\` ${MAX_CONNECTIONS}. Target: Parley's sustained rate ≥ 5 × the inline bot's.`;

/** p95 by rate, sorted by rate (bisection steps run out of order); capped at 10 s for the plot. */
function curve(r: RampResult): Array<[number, number]> {
  return [...r.steps]
    .sort((a, b) => a.rate - b.rate)
    .map((s): [number, number] => [s.rate, Math.min(s.seen.p95WithMissing, 10_000)]);
}

async function side(
  ctx: BenchContext,
  name: 'inline' | 'parley' | 'parley-adaptive',
  rates: readonly number[],
  stepMs: number,
  refine: number,
  progressFrom: number,
): Promise<RampResult & { maxLlmInFlight: number }> {
  const standIns = new StandIns(ctx.http, ctx.logDir, `inline-${name}`);
  let bot: ManagedProcess | undefined;
  let apps: ParleyApps | undefined;
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  try {
    ctx.progress.update(
      progressFrom,
      `vs inline bot: starting ${name === 'inline' ? 'the inline grammY bot' : 'Parley'}`,
    );
    await standIns.start(SIM);
    if (name === 'inline') {
      const port = await freePort();
      const secret = randomBytes(18).toString('base64url');
      bot = new ManagedProcess(
        'inline-bot',
        SCRIPTS.inlineBot,
        [],
        {
          PATH: process.env.PATH ?? '',
          PORT: String(port),
          TELEGRAM_BOT_TOKEN: standIns.botToken,
          TELEGRAM_API_ROOT: standIns.emulatorUrl,
          TELEGRAM_WEBHOOK_SECRET: secret,
          OPENAI_BASE_URL: `${standIns.simUrl}/v1`,
          LLM_MODEL: SIM_MODEL,
        },
        join(ctx.logDir, 'inline-bot.log'),
      ).start();
      await bot.ready(`http://127.0.0.1:${port}/livez`);
      await standIns.setWebhook(`http://127.0.0.1:${port}${WEBHOOK_PATH}`, secret, MAX_CONNECTIONS);
    } else {
      redis = await startRedis();
      apps = new ParleyApps(standIns, ctx.logDir);
      await apps.start({
        redisUrl: redis.url,
        maxConnections: MAX_CONNECTIONS,
        workerEnv: {
          WORKER_CONCURRENCY: String(PARLEY_WORKER_CONCURRENCY),
          ...(name === 'parley-adaptive' ? { LLM_ADAPTIVE_CONCURRENCY: 'true' } : {}),
        },
      });
    }
    const watcher = standIns.watcher;
    if (!watcher) throw new Error('no reply watcher');
    const result = await ramp((chatId, text) => standIns.inject(chatId, text), watcher, {
      rates,
      stepMs,
      drainMs: 8_000,
      p95LimitMs: P95_LIMIT_MS,
      chats: CHATS,
      refine,
      signal: ctx.signal,
      onStep: (i, rate) =>
        ctx.progress.update(
          progressFrom + Math.min(0.3, (0.3 * (i + 1)) / (rates.length + 1)),
          `vs inline bot: ${name} at ${rate} msg/s`,
        ),
    });
    const stats = (await ctx.http.json('GET', `${standIns.simUrl}/_sim/stats`)) as {
      maxInFlightSeen?: unknown;
    };
    const maxLlmInFlight = typeof stats.maxInFlightSeen === 'number' ? stats.maxInFlightSeen : Number.NaN;
    return { ...result, maxLlmInFlight };
  } finally {
    await stopAll([bot]);
    await apps?.stop();
    await standIns.stop();
    await redis?.stop();
  }
}

export async function runInlineBot(ctx: BenchContext): Promise<BenchmarkResult> {
  const startedAt = Date.now();
  const quick = ctx.options.quick;
  const rates = quick
    ? [30, 60, 120, 240, 480]
    : [10, 20, 30, 40, 50, 60, 80, 100, 120, 160, 200, 240, 320, 400, 480, 640, 800];
  const stepMs = quick ? 4_000 : 10_000;
  try {
    const refine = quick ? 1 : 2;
    const inline = await side(ctx, 'inline', rates, stepMs, refine, 0);
    const parley = await side(ctx, 'parley', rates, stepMs, refine, quick ? 0.5 : 0.35);
    // The full run also measures Parley with its (optional) adaptive LLM concurrency limiter on,
    // to show what the limiter costs or gains against this backend (not the headline figure).
    const parleyAdaptive = quick ? undefined : await side(ctx, 'parley-adaptive', rates, stepMs, refine, 0.7);
    const rows = (label: string, r: RampResult) =>
      r.steps.map((s) => [
        label,
        String(s.rate),
        `${s.seen.answered}/${s.seen.sent}`,
        fmt(s.seen.latency.p50, 0),
        Number.isFinite(s.seen.p95WithMissing) ? fmt(s.seen.p95WithMissing, 0) : 'unanswered',
        Number.isFinite(s.tailP95) ? fmt(s.tailP95, 0) : 'unanswered',
        s.ok ? 'yes' : 'no',
      ]);
    const notes = [
      `Each step offers the rate for ${stepMs / 1000} s, then waits up to 8 s for the replies. A step passes when the p95 of all its messages and the p95 of its last quarter (so that a growing backlog cannot hide in a short step) are under 2 s; after a side's first failing step, ${refine} bisection step(s) between its last passing and first failing rate (once the earlier backlog has cleared) refine the result. Rates of the ramp: ${rates.join(', ')} msg/s.`,
      `With ${MAX_CONNECTIONS} webhook connections and an LLM call of about ${SIM.ttftMs} ms + reply tokens / ${SIM.tokensPerSecond} tok/s, the inline bot cannot exceed about ${MAX_CONNECTIONS} / LLM latency.`,
    ];
    if (parley.neverFailed) {
      notes.push(
        'Parley passed every step: its sustained rate is at least the highest rate tried, so the ratio is a lower bound.',
      );
    }
    if (inline.neverFailed)
      notes.push('The inline bot passed every step: its sustained rate is a lower bound.');
    notes.push(
      `Most LLM calls in flight at the simulator: inline bot ${inline.maxLlmInFlight}, Parley ${parley.maxLlmInFlight}${parleyAdaptive ? `, Parley with the adaptive limiter on ${parleyAdaptive.maxLlmInFlight}` : ''}. Parley runs with its defaults: WORKER_CONCURRENCY=256 lanes, the adaptive LLM concurrency limiter off (LLM_ADAPTIVE_CONCURRENCY=false).`,
    );
    if (parleyAdaptive) {
      notes.push(
        `With LLM_ADAPTIVE_CONCURRENCY=true Parley sustained ${parleyAdaptive.sustained} msg/s (${parleyAdaptive.neverFailed ? 'a lower bound: no step failed' : 'until its first failing step'}); shown for diagnosis, the headline uses the defaults. When it fails a step while the simulator saw few calls in flight, its replies waited in the worker's limiter, not in the LLM.`,
      );
    }
    return {
      id: ID,
      title: TITLE,
      description: DESCRIPTION,
      status: 'measured',
      comparison: compare({
        metric: 'sustained rate, p95 < 2 s',
        unit: 'msg/s',
        baselineLabel: 'inline grammY bot',
        baseline: inline.sustained,
        subjectLabel: 'Parley',
        subject: parley.sustained,
        target: { op: '>=', value: 5 },
      }),
      tables: [
        {
          caption: 'Load steps',
          table: {
            columns: [
              'system',
              'offered msg/s',
              'answered',
              'p50 ms',
              'p95 ms',
              'last-quarter p95 ms',
              'passed',
            ],
            rows: [
              ...rows('inline grammY bot', inline),
              ...rows('Parley', parley),
              ...(parleyAdaptive ? rows('Parley, LLM_ADAPTIVE_CONCURRENCY=true', parleyAdaptive) : []),
            ],
          },
        },
      ],
      plot: {
        kind: 'line',
        title: 'vs inline bot: update→reply p95 by offered load',
        xLabel: 'offered load (msg/s)',
        yLabel: 'p95 latency (ms)',
        limit: { value: P95_LIMIT_MS, label: 'p95 limit 2 s' },
        series: [
          {
            name: 'inline grammY bot',
            points: curve(inline),
          },
          {
            name: 'Parley',
            points: curve(parley),
          },
          ...(parleyAdaptive ? [{ name: 'Parley, adaptive on', points: curve(parleyAdaptive) }] : []),
        ],
      },
      notes,
      durationMs: Date.now() - startedAt,
    };
  } catch (err) {
    return failed(ID, TITLE, DESCRIPTION, err, startedAt);
  }
}
