import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort, type LocalRedis, startRedisServer } from '@parley/redis';
import type { HttpClient } from '@parley/testing';
import { type ManagedProcess, ManagedProcess as Proc, SCRIPTS, stopAll } from './processes';
import { ReplyWatcher } from './replies';

/**
 * Parley's whole pipeline on loopback, as child processes: a redis-server, the Telegram emulator,
 * the LLM simulator, one gateway and one worker; the emulator's webhook points at the gateway.
 */

export const SIM_MODEL = 'parley-sim-1';
export const WEBHOOK_PATH = '/telegram/webhook';

export interface SimSettings {
  ttftMs: number;
  tokensPerSecond: number;
  capacity: number;
}

export const INSTANT_LLM: SimSettings = { ttftMs: 0, tokensPerSecond: 0, capacity: 1024 };

export function newBotToken(): string {
  return `1000000001:${randomBytes(27).toString('base64url').slice(0, 35)}`;
}

export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Starts a loopback redis-server on a free port. */
export function startRedis(): Promise<LocalRedis> {
  return startRedisServer({});
}

/** The emulator and the simulator, shared by Parley and the inline bot. */
export class StandIns {
  readonly botToken = newBotToken();
  emulatorUrl = '';
  simUrl = '';
  watcher: ReplyWatcher | undefined;
  private emulator: ManagedProcess | undefined;
  private sim: ManagedProcess | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly logDir: string,
    private readonly tag: string,
  ) {}

  async start(sim: SimSettings): Promise<void> {
    const [emulatorPort, simPort] = await Promise.all([freePort(), freePort()]);
    this.emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
    this.simUrl = `http://127.0.0.1:${simPort}`;
    const env = { PATH: process.env.PATH ?? '' };
    this.emulator = new Proc(
      `tg-emulator-${this.tag}`,
      SCRIPTS.emulator,
      ['--port', String(emulatorPort), '--host', '127.0.0.1', '--token', this.botToken, '--quiet'],
      env,
      join(this.logDir, `tg-emulator-${this.tag}.log`),
    ).start();
    this.sim = new Proc(
      `llm-sim-${this.tag}`,
      SCRIPTS.sim,
      [
        ...['--port', String(simPort), '--host', '127.0.0.1', '--model', SIM_MODEL],
        ...['--ttft-ms', String(sim.ttftMs), '--tokens-per-second', String(sim.tokensPerSecond)],
        ...['--capacity', String(sim.capacity), '--max-queue', '100000', '--seed', '1'],
      ],
      env,
      join(this.logDir, `llm-sim-${this.tag}.log`),
    ).start();
    await this.emulator.ready(`${this.emulatorUrl}/_emulator/health`);
    await this.sim.ready(`${this.simUrl}/_sim/config`);
    this.watcher = new ReplyWatcher(`${this.emulatorUrl}/_emulator/events`);
    await this.watcher.start();
  }

  /** Points the emulator's webhook at `url` (Telegram's setWebhook). */
  async setWebhook(url: string, secret: string, maxConnections: number): Promise<void> {
    await this.http.json('POST', `${this.emulatorUrl}/bot${this.botToken}/setWebhook`, {
      url,
      secret_token: secret,
      max_connections: maxConnections,
    });
  }

  /** A user writes `text` in private chat `chatId` (the emulator delivers it to the webhook). */
  async inject(chatId: number, text: string): Promise<void> {
    await this.http.json('POST', `${this.emulatorUrl}/_emulator/messages`, {
      text,
      chat_id: chatId,
      user_id: chatId,
      first_name: `U${chatId}`,
    });
  }

  async stop(): Promise<void> {
    this.watcher?.stop();
    await stopAll([this.emulator, this.sim]);
  }
}

export interface ParleyOptions {
  redisUrl: string;
  /** Extra worker environment (WORKER_CONCURRENCY ...). */
  workerEnv?: Record<string, string>;
  maxConnections: number;
}

/** Gateway + one worker talking to the given stand-ins. */
export class ParleyApps {
  readonly keyPrefix = `bench-${randomBytes(4).toString('hex')}`;
  readonly secret = newSecret();
  gatewayUrl = '';
  private gateway: ManagedProcess | undefined;
  private worker: ManagedProcess | undefined;

  constructor(
    private readonly standIns: StandIns,
    private readonly logDir: string,
  ) {}

  async start(o: ParleyOptions): Promise<void> {
    const [gatewayPort, metricsPort] = await Promise.all([freePort(), freePort()]);
    this.gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const shared = {
      PATH: process.env.PATH ?? '',
      REDIS_URL: o.redisUrl,
      REDIS_KEY_PREFIX: this.keyPrefix,
      TELEGRAM_API_ROOT: this.standIns.emulatorUrl,
      TELEGRAM_BOT_TOKEN: this.standIns.botToken,
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '2000',
    };
    this.gateway = new Proc(
      'gateway',
      SCRIPTS.gateway,
      [],
      {
        ...shared,
        PORT: String(gatewayPort),
        HOST: '127.0.0.1',
        INGEST_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: this.secret,
        TELEGRAM_WEBHOOK_PATH: WEBHOOK_PATH,
        BUSY_NOTICE_AFTER_MS: '0',
      },
      join(this.logDir, `gateway-${this.keyPrefix}.log`),
    ).start();
    this.worker = new Proc(
      'worker',
      SCRIPTS.worker,
      [],
      {
        ...shared,
        OPENAI_BASE_URL: `${this.standIns.simUrl}/v1`,
        OPENAI_API_KEY: 'sk-bench',
        LLM_MODEL: SIM_MODEL,
        LLM_MAX_RETRIES: '0',
        COALESCE_WINDOW_MS: '0',
        CACHE_ENABLED: 'false',
        // Like the baselines, one sendMessage per answer: no drafts while the answer streams.
        STREAMING_ENABLED: 'false',
        TELEGRAM_GLOBAL_PER_SECOND: '1000',
        TELEGRAM_CHAT_PER_SECOND: '30',
        TELEGRAM_CHAT_BURST: '30',
        METRICS_PORT: String(metricsPort),
        METRICS_HOST: '127.0.0.1',
        ...o.workerEnv,
      },
      join(this.logDir, `worker-${this.keyPrefix}.log`),
    ).start();
    await this.gateway.ready(`${this.gatewayUrl}/readyz`);
    await this.worker.ready(`http://127.0.0.1:${metricsPort}/readyz`);
    await this.standIns.setWebhook(`${this.gatewayUrl}${WEBHOOK_PATH}`, this.secret, o.maxConnections);
  }

  async stop(): Promise<void> {
    await stopAll([this.gateway, this.worker]);
  }
}
