import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../paths';
import { freePort, ManagedProcess } from './processes';

/**
 * Gateway and worker as built (`dist/main.js`), with the Telegram emulator and two LLM
 * simulators (primary and fallback) as stand-ins, all as child processes on loopback, wired the
 * way apps/stack wires them. The worker turns on every optional part that has metrics
 * (fallback, adaptive concurrency, semantic cache), so every dashboard panel has something to show.
 */

export const SCRIPTS = {
  gateway: join(repoRoot, 'apps', 'gateway', 'dist', 'main.js'),
  worker: join(repoRoot, 'apps', 'worker', 'dist', 'main.js'),
  emulator: join(repoRoot, 'packages', 'tg-emulator', 'dist', 'cli.js'),
  sim: join(repoRoot, 'packages', 'llm-sim', 'dist', 'cli.js'),
};

export const SIM_MODEL = 'parley-sim-1';
/** The worker's default EMBEDDING_MODEL, for the semantic cache. */
const EMBEDDING_MODEL = 'text-embedding-3-small';
const WEBHOOK_PATH = '/telegram/webhook';

export interface StackOptions {
  redisUrl: string;
  keyPrefix: string;
  /** Built scripts to run; SCRIPTS by default. */
  scripts?: typeof SCRIPTS;
}

export class Stack {
  readonly botToken = `1000000001:${randomBytes(27).toString('base64url').slice(0, 35)}`;
  private readonly secret = randomBytes(24).toString('base64url');
  private readonly logDir = mkdtempSync(join(tmpdir(), 'parley-observability-'));
  private readonly procs: ManagedProcess[] = [];
  emulatorUrl = '';
  primarySimUrl = '';
  fallbackSimUrl = '';
  gatewayUrl = '';
  workerUrl = '';

  constructor(private readonly opts: StackOptions) {}

  static missingScripts(scripts = SCRIPTS): string[] {
    return Object.values(scripts).filter((path) => !existsSync(path));
  }

  private spawn(
    name: string,
    script: string,
    args: string[],
    env: Record<string, string> = {},
  ): ManagedProcess {
    const proc = new ManagedProcess(name, process.execPath, [script, ...args], {
      PATH: process.env.PATH ?? '',
      ...env,
    });
    proc.start(join(this.logDir, `${name}.log`));
    this.procs.push(proc);
    return proc;
  }

  async start(): Promise<void> {
    const scripts = this.opts.scripts ?? SCRIPTS;
    const [emulatorPort, primaryPort, fallbackPort, gatewayPort, workerPort] = await Promise.all(
      Array.from({ length: 5 }, () => freePort()),
    );
    this.emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
    this.primarySimUrl = `http://127.0.0.1:${primaryPort}`;
    this.fallbackSimUrl = `http://127.0.0.1:${fallbackPort}`;
    this.gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    this.workerUrl = `http://127.0.0.1:${workerPort}`;

    const emulator = this.spawn('tg-emulator', scripts.emulator, [
      ...['--port', String(emulatorPort), '--host', '127.0.0.1', '--token', this.botToken, '--quiet'],
    ]);
    const sims = [primaryPort, fallbackPort].map((port, i) =>
      this.spawn(i === 0 ? 'llm-sim-primary' : 'llm-sim-fallback', scripts.sim, [
        ...['--port', String(port), '--host', '127.0.0.1', '--model', SIM_MODEL, '--model', EMBEDDING_MODEL],
        ...['--ttft-ms', '40', '--tokens-per-second', '400', '--seed', '1'],
      ]),
    );
    const shared = {
      REDIS_URL: this.opts.redisUrl,
      REDIS_KEY_PREFIX: this.opts.keyPrefix,
      TELEGRAM_API_ROOT: this.emulatorUrl,
      TELEGRAM_BOT_TOKEN: this.botToken,
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '2000',
    };
    const gateway = this.spawn('gateway', scripts.gateway, [], {
      ...shared,
      PORT: String(gatewayPort),
      HOST: '127.0.0.1',
      TELEGRAM_WEBHOOK_SECRET: this.secret,
      TELEGRAM_WEBHOOK_PATH: WEBHOOK_PATH,
    });
    const worker = this.spawn('worker', scripts.worker, [], {
      ...shared,
      METRICS_PORT: String(workerPort),
      METRICS_HOST: '127.0.0.1',
      OPENAI_BASE_URL: `${this.primarySimUrl}/v1`,
      OPENAI_API_KEY: 'sk-observability',
      LLM_MODEL: SIM_MODEL,
      LLM_FALLBACKS: `${SIM_MODEL}@${this.fallbackSimUrl}/v1`,
      LLM_MAX_RETRIES: '0',
      LLM_TIMEOUT_MS: '5000',
      // A circuit that opens after a few failures and tries again soon, within the run.
      LLM_BREAKER_FAILURES: '3',
      LLM_BREAKER_MIN_REQUESTS: '3',
      LLM_BREAKER_OPEN_MS: '5000',
      LLM_ADAPTIVE_CONCURRENCY: 'true',
      SEMANTIC_CACHE_ENABLED: 'true',
      COALESCE_WINDOW_MS: '0',
      TELEGRAM_GLOBAL_PER_SECOND: '1000',
      TELEGRAM_CHAT_PER_SECOND: '30',
      TELEGRAM_CHAT_BURST: '30',
    });
    await Promise.all([
      emulator.ready(`${this.emulatorUrl}/_emulator/health`),
      ...sims.map((sim, i) => sim.ready(`${i === 0 ? this.primarySimUrl : this.fallbackSimUrl}/_sim/config`)),
      gateway.ready(`${this.gatewayUrl}/readyz`),
      worker.ready(`${this.workerUrl}/readyz`),
    ]);
    await this.post(`${this.emulatorUrl}/bot${this.botToken}/setWebhook`, {
      url: `${this.gatewayUrl}${WEBHOOK_PATH}`,
      secret_token: this.secret,
      max_connections: 40,
    });
  }

  async post(url: string, body: unknown): Promise<unknown> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** A user writes `text` in private chat `chatId`; the emulator delivers it to the gateway. */
  say(chatId: number, text: string): Promise<unknown> {
    return this.post(`${this.emulatorUrl}/_emulator/messages`, {
      text,
      chat_id: chatId,
      user_id: chatId,
      first_name: `U${chatId}`,
    });
  }

  async metricsText(component: 'gateway' | 'worker'): Promise<string> {
    const base = component === 'gateway' ? this.gatewayUrl : this.workerUrl;
    const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return res.text();
  }

  /** The end of each process' log, for failure messages. */
  logs(): string {
    return this.procs.map((p) => `--- ${p.name}\n${p.tail(10)}`).join('\n');
  }

  async stop(): Promise<void> {
    // Gateway and worker first, so they do not log the stand-ins going away.
    const [apps, standIns] = [this.procs.slice(3), this.procs.slice(0, 3)];
    await Promise.all(apps.map((p) => p.stop()));
    await Promise.all(standIns.map((p) => p.stop()));
    rmSync(this.logDir, { recursive: true, force: true });
  }
}
