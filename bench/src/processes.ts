import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sleep } from './stats';

/**
 * The child processes of a run (gateway, worker, emulator, simulator, baselines): started with
 * their output appended to a log file, waited for until they answer, stopped with SIGTERM then
 * SIGKILL. Every live child is also in a module-wide set so that an exiting run can kill what is
 * left synchronously.
 */

export const REPO_ROOT = resolve(__dirname, '..', '..');

export const SCRIPTS = {
  gateway: join(REPO_ROOT, 'apps', 'gateway', 'dist', 'main.js'),
  worker: join(REPO_ROOT, 'apps', 'worker', 'dist', 'main.js'),
  emulator: join(REPO_ROOT, 'packages', 'tg-emulator', 'dist', 'cli.js'),
  sim: join(REPO_ROOT, 'packages', 'llm-sim', 'dist', 'cli.js'),
  rawHttp: join(REPO_ROOT, 'bench', 'dist', 'raw-http', 'server.js'),
  inlineBot: join(REPO_ROOT, 'bench', 'dist', 'inline-bot', 'server.js'),
} as const;

/** Names of the built scripts that are missing (empty when `pnpm build` has run). */
export function missingScripts(): string[] {
  return Object.entries(SCRIPTS)
    .filter(([, path]) => !existsSync(path))
    .map(([name, path]) => `${name} (${path})`);
}

const live = new Set<ChildProcess>();

/** SIGKILLs every child still running, without waiting: for an exiting process. */
export function killAllNow(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

export class ManagedProcess {
  private child: ChildProcess | undefined;
  private exit: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {}

  get running(): boolean {
    const child = this.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  start(): this {
    appendFileSync(this.logFile, `=== ${this.name}: start at ${new Date().toISOString()}\n`);
    const fd = openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [this.script, ...this.args], {
        env: this.env,
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    this.child = child;
    live.add(child);
    this.exit = new Promise((resolveExit) => {
      const done = () => {
        live.delete(child);
        resolveExit();
      };
      child.once('exit', done);
      child.once('error', done);
    });
    return this;
  }

  /** Polls `url` until it answers 200; throws when the process ends first or after 30 s. */
  async ready(url: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} ended before it was ready; see ${this.logFile}`);
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${this.name} was not ready at ${url} within ${timeoutMs / 1000} s; see ${this.logFile}`);
  }

  /** SIGTERM, then SIGKILL when it has not ended within `timeoutMs`. */
  async stop(timeoutMs = 3_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    const ended = await Promise.race([this.exit.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (!ended && this.running) {
      child.kill('SIGKILL');
      await this.exit;
    }
  }
}

/** Stops all given processes in parallel; never throws. */
export async function stopAll(processes: Array<ManagedProcess | undefined>): Promise<void> {
  await Promise.all(processes.map((p) => p?.stop().catch(() => {})));
}
