import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@parley/redis';
import { HttpClient } from '@parley/testing';
import { type ChaosOptions, DEFAULT_OPTIONS } from './cli-args';
import { drain } from './drain';
import { Driver, PendingGate } from './driver';
import { type FaultCounts, FaultInjector } from './faults';
import { makePlan } from './plan';
import { describeExit, type ManagedProcess, nodeProcess } from './processes';
import { QueueWatch } from './queue-watch';
import { createRandom, deriveSeed } from './random';
import { ready } from './readiness';
import { RedisServer } from './redis-server';
import { ReplyTracker } from './replies';
import { fetchBotMessages, fetchGatewayWebhookOutcomes, fetchSimStats, type SimStats } from './stats';
import { seconds } from './time';
import { type LatencySummary, passed, summarizeLatency, type Verdict, verify } from './verify';

/**
 * One chaos run: start Redis, the stand-ins, a gateway and the workers; send the load through the
 * emulator while injecting faults; wait for the replies; judge them; stop everything.
 */

export interface RunChaosOptions extends Partial<ChaosOptions> {
  /**
   * Passed to the gateway and the workers (e.g. COALESCE_WINDOW_MS); the variables the run sets
   * itself win. Nothing is inherited unless given here.
   */
  env?: Record<string, string | undefined>;
  /** Progress and events, one line each. */
  log?: (line: string) => void;
  /** Aborting stops the run early (Ctrl+C): it still cleans up and returns a result. */
  signal?: AbortSignal;
  /** The monorepo root; found from this file by default. */
  repoRoot?: string;
}

export type StopReason = 'all-answered' | 'quiet-timeout' | 'duration-limit' | 'interrupted' | 'error';

export interface ChaosResult {
  /** No message lost, duplicated, out of order or answered with an apology. */
  passed: boolean;
  stopReason: StopReason;
  /** Why the run could not go on, when stopReason is "error". */
  error?: string;
  counts: Omit<Verdict, 'examples'>;
  examples: Verdict['examples'];
  failedPosts: number;
  latency?: LatencySummary;
  faults: FaultCounts;
  /** The simulator's counters at the end, and when the last message had been sent. */
  sim?: SimStats;
  simAtLoadEnd?: SimStats;
  gatewayWebhook: Record<string, number>;
  /** Exits of children the run did not cause, by name. */
  unexpectedExits: Record<string, number>;
  /**
   * Peak resident memory (MiB) of the gateway and of the largest worker, sampled every 500 ms:
   * the backlog lives in Redis, so these must stay flat however far the load outruns the workers.
   */
  memory: { gatewayPeakMiB: number; workerPeakMiB: number };
  /** Jobs still queued or running when the run stopped; undefined when unknown. */
  unfinishedJobs?: number;
  timings: { totalMs: number; setupMs: number; loadMs: number; drainMs: number };
  options: ChaosOptions;
  logDir: string;
  logDirKept: boolean;
}

const DEFAULT_REPO_ROOT = resolve(__dirname, '..', '..', '..');
const SIM_MODEL = 'parley-sim-1';
const WEBHOOK_PATH = '/telegram/webhook';
/** Sending pauses while the emulator holds more undelivered updates than this (it drops past 10k). */
const PENDING_LIMIT = 4_000;
const PROGRESS_EVERY_MS = 2_000;
const CHILD_GRACE_MS = 2_000;
/**
 * Worker settings the run changes unless the environment sets them: the emulator enforces no
 * rate limit, and at Telegram's 30 messages per second a large run would mostly wait for the
 * worker's own outbound limiter. The per-user rate limit is off: simulated users write far
 * faster than 10 messages a minute, and a silently dropped message would count as lost.
 */
const WORKER_DEFAULTS: Record<string, string> = {
  TELEGRAM_GLOBAL_PER_SECOND: '1000',
  USER_RATE_PER_MINUTE: '0',
};

function scripts(root: string) {
  return {
    gateway: join(root, 'apps', 'gateway', 'dist', 'main.js'),
    worker: join(root, 'apps', 'worker', 'dist', 'main.js'),
    emulator: join(root, 'packages', 'tg-emulator', 'dist', 'cli.js'),
    sim: join(root, 'packages', 'llm-sim', 'dist', 'cli.js'),
  };
}

function definedEntries(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

function withDefaults(input: RunChaosOptions): ChaosOptions {
  const options: ChaosOptions = { ...DEFAULT_OPTIONS };
  for (const key of Object.keys(DEFAULT_OPTIONS) as Array<keyof ChaosOptions>) {
    // For these two, an explicit undefined means "off" / "none".
    const undefinedMeansSomething = key === 'killEveryMs' || key === 'jsonFile';
    if (key in input && (undefinedMeansSomething || input[key] !== undefined)) {
      Object.assign(options, { [key]: input[key] });
    }
  }
  options.chats = Math.min(options.chats, options.updates);
  return options;
}

export async function runChaos(input: RunChaosOptions = {}): Promise<ChaosResult> {
  const o = withDefaults(input);
  const log = input.log ?? (() => {});
  const startedAt = Date.now();
  const deadline = startedAt + o.durationLimitS * 1000;
  const paths = scripts(input.repoRoot ?? DEFAULT_REPO_ROOT);
  for (const [name, path] of Object.entries(paths)) {
    if (!existsSync(path)) throw new Error(`${path} (${name}) is missing: run \`pnpm build\` first`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'parley-chaos-'));
  const logDir = join(dir, 'logs');
  mkdirSync(logDir);
  mkdirSync(join(dir, 'redis'));
  log(`logs and Redis data in ${dir}`);

  const http = new HttpClient();
  const random = createRandom(deriveSeed(o.seed, 'faults'));
  const botToken = `1000000001:${randomBytes(27).toString('base64url').slice(0, 35)}`;
  const webhookSecret = randomBytes(24).toString('base64url');
  const keyPrefix = `chaos-${randomBytes(4).toString('hex')}`;

  // Stops the load and the waiting: Ctrl+C, the duration limit, or a child that cannot go on.
  const stop = new AbortController();
  let stopReason: StopReason | undefined;
  let error: string | undefined;
  const halt = (reason: StopReason, message?: string) => {
    if (stopReason === undefined) {
      stopReason = reason;
      if (message !== undefined) error = message;
    }
    stop.abort();
  };
  const onAbort = () => halt('interrupted');
  if (input.signal?.aborted) onAbort();
  input.signal?.addEventListener('abort', onAbort, { once: true });
  const deadlineTimer = setTimeout(() => halt('duration-limit'), Math.max(0, deadline - Date.now()));

  const standIns: ManagedProcess[] = [];
  const apps: ManagedProcess[] = [];
  const workers: ManagedProcess[] = [];
  let redis: RedisServer | undefined;
  let faults: FaultInjector | undefined;
  let tracker: ReplyTracker | undefined;
  let gate: PendingGate | undefined;
  let watch: QueueWatch | undefined;
  let driver: Driver | undefined;
  let verdict: Verdict | undefined;
  let sim: SimStats | undefined;
  let simAtLoadEnd: SimStats | undefined;
  let gatewayWebhook: Record<string, number> = {};
  let unfinishedJobs: number | undefined;
  let setupMs = 0;
  let loadMs = 0;
  let drainMs = 0;
  let progress: NodeJS.Timeout | undefined;
  let memorySampler: NodeJS.Timeout | undefined;

  try {
    // --- start -------------------------------------------------------------------------------
    const [redisPort, emulatorPort, simPort, gatewayPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const metricsPorts = await Promise.all(Array.from({ length: o.workers }, () => freePort()));
    redis = new RedisServer(redisPort, join(dir, 'redis'), join(logDir, 'redis.log'));
    redis.process.onUnexpectedExit = (info) => halt('error', `redis-server ${describeExit(info)}`);
    await redis.start();

    const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
    const simUrl = `http://127.0.0.1:${simPort}`;
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const standInEnv = definedEntries({ PATH: input.env?.PATH });
    const emulator = nodeProcess(
      'tg-emulator',
      paths.emulator,
      ['--port', String(emulatorPort), '--host', '127.0.0.1', '--token', botToken],
      standInEnv,
      join(logDir, 'tg-emulator.log'),
    );
    const simulator = nodeProcess(
      'llm-sim',
      paths.sim,
      [
        ...['--port', String(simPort), '--host', '127.0.0.1', '--model', SIM_MODEL],
        ...['--ttft-ms', '20', '--tokens-per-second', '400', '--capacity', '64', '--max-queue', '4096'],
        ...['--seed', String(deriveSeed(o.seed, 'llm-sim') % 2 ** 31)],
      ],
      standInEnv,
      join(logDir, 'llm-sim.log'),
    );
    standIns.push(emulator, simulator);
    for (const child of standIns) {
      child.onUnexpectedExit = (info) => halt('error', `${child.name} ${describeExit(info)}`);
      child.start();
    }
    await ready(http, emulator, `${emulatorUrl}/_emulator/health`, stop.signal);
    await ready(http, simulator, `${simUrl}/_sim/config`, stop.signal);

    const passthrough = definedEntries(input.env ?? {});
    const shared = {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: keyPrefix,
      TELEGRAM_API_ROOT: emulatorUrl,
      TELEGRAM_BOT_TOKEN: botToken,
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: String(CHILD_GRACE_MS),
    };
    const gateway = nodeProcess(
      'gateway',
      paths.gateway,
      [],
      {
        ...passthrough,
        ...shared,
        PORT: String(gatewayPort),
        HOST: '127.0.0.1',
        INGEST_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: webhookSecret,
        TELEGRAM_WEBHOOK_PATH: WEBHOOK_PATH,
      },
      join(logDir, 'gateway.log'),
    );
    apps.push(gateway);
    metricsPorts.forEach((port, i) => {
      const worker = nodeProcess(
        `worker-${i + 1}`,
        paths.worker,
        [],
        {
          ...WORKER_DEFAULTS,
          ...passthrough,
          ...shared,
          OPENAI_BASE_URL: `${simUrl}/v1`,
          LLM_MODEL: SIM_MODEL,
          LLM_TIMEOUT_MS: '5000',
          LLM_MAX_RETRIES: '0',
          CACHE_ENABLED: 'false',
          METRICS_PORT: String(port),
          METRICS_HOST: '127.0.0.1',
        },
        join(logDir, `worker-${i + 1}.log`),
      );
      workers.push(worker);
      apps.push(worker);
    });
    for (const app of apps) {
      app.onUnexpectedExit = (info) => {
        log(`warning: ${app.name} ${describeExit(info)} on its own; starting it again (see its log)`);
        if (faults) faults.restartCrashed(app);
        else halt('error', `${app.name} ${describeExit(info)} while starting; see ${app.spec.logFile}`);
      };
      app.start();
    }
    await ready(http, gateway, `${gatewayUrl}/readyz`, stop.signal);
    await Promise.all(
      workers.map((w, i) => ready(http, w, `http://127.0.0.1:${metricsPorts[i]}/readyz`, stop.signal)),
    );
    await http.json('POST', `${emulatorUrl}/bot${botToken}/setWebhook`, {
      url: `${gatewayUrl}${WEBHOOK_PATH}`,
      secret_token: webhookSecret,
      max_connections: 100,
    });
    tracker = new ReplyTracker(`${emulatorUrl}/_emulator/events`);
    await tracker.start();
    setupMs = Date.now() - startedAt;
    log(
      `started in ${seconds(setupMs)}: redis ${redis.url}, emulator ${emulatorUrl}, simulator ${simUrl}, gateway ${gatewayUrl}, ${o.workers} worker(s)`,
    );

    // --- load --------------------------------------------------------------------------------
    const plan = makePlan(o.updates, o.chats, o.burstShare, createRandom(deriveSeed(o.seed, 'plan')));
    faults = new FaultInjector(
      {
        redeliverRate: o.redeliverRate,
        redeliverDelayMs: [100, 2_000],
        killEveryMs: o.killEveryMs,
        maxWorkerKills: o.maxWorkerKills,
        workerRestartDelayMs: o.workerRestartDelayMs,
        redisRestarts: o.redisRestarts,
        redisDownMs: o.redisDownMs,
        llmErrorRate: o.llmErrorRate,
        llm429Bursts: o.llm429Bursts,
        telegram429Bursts: o.telegram429Bursts,
      },
      { http, emulatorUrl, simUrl, botToken, workers, redis, random, log },
    );
    gate = new PendingGate(http, emulatorUrl, botToken, PENDING_LIMIT);
    gate.start();
    const activeFaults = faults;
    const activeGate = gate;
    const activeTracker = tracker;
    let sentCount = 0;
    driver = new Driver({
      http,
      emulatorUrl,
      token: botToken,
      concurrency: o.concurrency,
      turnGapMs: o.turnGapMs,
      random: createRandom(deriveSeed(o.seed, 'driver')),
      signal: stop.signal,
      gate: () => activeGate.wait(),
      onSent: (message) => {
        sentCount++;
        activeFaults.onSent(message.updateId);
        activeFaults.onProgress(sentCount / o.updates);
      },
    });
    const activeDriver = driver;
    let phase = 'load';
    const printProgress = () => {
      const answered = activeDriver.sent.filter((s) => activeTracker.firstSeen.has(s.token)).length;
      const f = activeFaults.counts;
      log(
        `${seconds(Date.now() - startedAt).padStart(7)}  ${phase}  sent ${activeDriver.sent.length}/${o.updates}  replies ${activeTracker.botMessages}  answered ${answered}  pending ${activeGate.pending}  kills ${f.workerKills}  redis restarts ${f.redisRestarts}  re-deliveries ${f.redeliveries}`,
      );
    };
    progress = setInterval(printProgress, PROGRESS_EVERY_MS);
    memorySampler = setInterval(() => {
      for (const p of apps) p.sampleMemory();
    }, 500);

    const loadStart = Date.now();
    await faults.start();
    await driver.run(plan);
    simAtLoadEnd = await fetchSimStats(http, simUrl);
    gate.release();
    await faults.stop();
    loadMs = Date.now() - loadStart;
    if (driver.failed.length > 0) {
      log(`warning: ${driver.failed.length} emulator POSTs failed (last: ${driver.lastError ?? '?'})`);
    }
    log(
      `load done in ${seconds(loadMs)}: ${driver.sent.length} sent; faults stopped; waiting for the replies`,
    );

    // --- drain -------------------------------------------------------------------------------
    phase = 'drain';
    const drainStart = Date.now();
    watch = new QueueWatch(redis.url, keyPrefix);
    if (stopReason === undefined) {
      const reason = await drain({
        driver,
        tracker,
        watch,
        quietMs: o.quietTimeoutS * 1000,
        signal: stop.signal,
        verifyNow: async () => {
          const messages = await fetchBotMessages(http, emulatorUrl, botToken);
          return verify({ sent: activeDriver.sent, uncertain: [], botMessages: messages }).lost === 0;
        },
      });
      if (reason !== undefined) stopReason = reason;
    }
    drainMs = Date.now() - drainStart;
    clearInterval(progress);
    progress = undefined;
    printProgress();

    // --- verdict -----------------------------------------------------------------------------
    unfinishedJobs = await watch.unfinishedJobs();
    const botMessages = await fetchBotMessages(http, emulatorUrl, botToken);
    // For a post-mortem next to the logs (the directory is kept when the run fails).
    writeFileSync(join(dir, 'sent.json'), JSON.stringify(driver.sent));
    writeFileSync(join(dir, 'bot-messages.json'), JSON.stringify(botMessages));
    verdict = verify({
      sent: driver.sent,
      uncertain: driver.failed.map((m) => m.token),
      botMessages,
    });
    sim = await fetchSimStats(http, simUrl);
    gatewayWebhook = await fetchGatewayWebhookOutcomes(http, gatewayUrl);
  } catch (err) {
    stopReason ??= 'error';
    error ??= (err as Error).message;
  } finally {
    clearInterval(progress);
    clearInterval(memorySampler);
    clearTimeout(deadlineTimer);
    input.signal?.removeEventListener('abort', onAbort);
    faults?.close();
    gate?.stop();
    tracker?.stop();
    await watch?.close();
    log('stopping the gateway, the workers, the stand-ins and Redis');
    await Promise.all(apps.map((p) => p.stop(CHILD_GRACE_MS + 3_000)));
    await Promise.all(standIns.map((p) => p.stop(5_000)));
    await redis?.stop();
    http.close();
  }

  const empty = verify({ sent: driver?.sent ?? [], uncertain: [], botMessages: [] });
  const v = verdict ?? empty;
  const { examples, ...counts } = v;
  // A pass needs the whole load sent and judged: not cut short by Ctrl+C, an error or the limit.
  const attempted = (driver?.sent.length ?? 0) + (driver?.failed.length ?? 0);
  const ok =
    verdict !== undefined &&
    passed(verdict) &&
    attempted === o.updates &&
    (stopReason === undefined || stopReason === 'all-answered' || stopReason === 'quiet-timeout');
  const latency = summarizeLatency(
    (driver?.sent ?? []).flatMap((s) => {
      const seen = tracker?.firstSeen.get(s.token);
      return seen === undefined ? [] : [Math.max(0, seen - s.sentAt)];
    }),
  );
  const unexpectedExits: Record<string, number> = {};
  for (const p of [...standIns, ...apps, ...(redis ? [redis.process] : [])]) {
    if (p.unexpectedExits > 0) unexpectedExits[p.name] = p.unexpectedExits;
  }
  const keep = o.keep || !ok;
  if (!keep) rmSync(dir, { recursive: true, force: true });
  return {
    passed: ok,
    stopReason: stopReason ?? 'all-answered',
    ...(error !== undefined ? { error } : {}),
    counts,
    examples,
    failedPosts: driver?.failed.length ?? 0,
    ...(latency ? { latency } : {}),
    faults: faults?.counts ?? {
      redeliveries: 0,
      redeliveryErrors: 0,
      workerKills: 0,
      workerRestarts: 0,
      redisRestarts: 0,
      llm429Bursts: 0,
      telegram429Bursts: 0,
      controlErrors: 0,
    },
    ...(sim ? { sim } : {}),
    ...(simAtLoadEnd ? { simAtLoadEnd } : {}),
    gatewayWebhook,
    memory: {
      gatewayPeakMiB: mib(apps.find((p) => p.name === 'gateway')?.peakRssBytes ?? 0),
      workerPeakMiB: mib(Math.max(0, ...workers.map((w) => w.peakRssBytes))),
    },
    unexpectedExits,
    ...(unfinishedJobs !== undefined ? { unfinishedJobs } : {}),
    timings: { totalMs: Date.now() - startedAt, setupMs, loadMs, drainMs },
    options: o,
    logDir: dir,
    logDirKept: keep,
  };
}

const mib = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;
