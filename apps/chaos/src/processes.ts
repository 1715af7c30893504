import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { sleep } from './time';

/**
 * Child processes of a run: spawned with their output appended to a log file, killed on purpose
 * (faults), restarted with the same command and environment, and stopped with SIGTERM then
 * SIGKILL. Every live child is also in a module-wide set, so that an exiting CLI can kill what
 * is left synchronously.
 */

export interface ProcessSpec {
  /** gateway, worker-1, redis, ... */
  name: string;
  command: string;
  args: string[];
  /** The child's whole environment; the parent's when undefined. */
  env?: Record<string, string>;
  /** stdout and stderr are appended here, with a marker line per start and exit. */
  logFile: string;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the run asked for it (a kill fault or the final stop). */
  expected: boolean;
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

export function describeExit(info: Pick<ExitInfo, 'code' | 'signal'>): string {
  if (info.signal !== null) return `killed by ${info.signal}`;
  return `exited with code ${info.code ?? '?'}`;
}

export class ManagedProcess {
  /** Starts so far (1 after the first start). */
  starts = 0;
  /** Exits the run did not ask for. */
  unexpectedExits = 0;
  /** Largest resident set size seen by sampleMemory() over all starts, in bytes. */
  peakRssBytes = 0;
  /** Called on every exit the run did not ask for. */
  onUnexpectedExit: ((info: ExitInfo) => void) | undefined;
  private child: ChildProcess | undefined;
  private exit: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null, expected: true });
  private exitExpected = false;

  constructor(readonly spec: ProcessSpec) {}

  get name(): string {
    return this.spec.name;
  }

  get running(): boolean {
    const child = this.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const { spec } = this;
    this.starts++;
    this.exitExpected = false;
    appendFileSync(spec.logFile, `=== ${spec.name}: start #${this.starts} at ${new Date().toISOString()}\n`);
    const fd = openSync(spec.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args, {
        ...(spec.env ? { env: spec.env } : {}),
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    this.child = child;
    live.add(child);
    this.exit = new Promise<ExitInfo>((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null, note: string) => {
        if (done) return;
        done = true;
        live.delete(child);
        const info: ExitInfo = { code, signal, expected: this.exitExpected };
        try {
          appendFileSync(
            spec.logFile,
            `=== ${spec.name}: ${note || describeExit(info)} at ${new Date().toISOString()}\n`,
          );
        } catch {
          // the log directory may be gone already
        }
        if (!info.expected) {
          this.unexpectedExits++;
          this.onUnexpectedExit?.(info);
        }
        resolve(info);
      };
      child.once('exit', (code, signal) => finish(code, signal, ''));
      child.once('error', (err) => finish(null, null, `could not be started: ${err.message}`));
    });
  }

  /** Reads the process's resident set size from /proc (Linux) and keeps the largest. */
  sampleMemory(): void {
    const pid = this.child?.pid;
    if (!this.running || pid === undefined) return;
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) this.peakRssBytes = Math.max(this.peakRssBytes, Number(match[1]) * 1024);
    } catch {
      // The process just ended, or there is no /proc: nothing to sample.
    }
  }

  /** Resolves when the process started last has ended. */
  exited(): Promise<ExitInfo> {
    return this.exit;
  }

  /** Sends `signal` as an intended fault (SIGKILL by default); false when it was not running. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): boolean {
    if (!this.running || !this.child) return false;
    this.exitExpected = true;
    this.child.kill(signal);
    return true;
  }

  /** SIGTERM, then SIGKILL when it has not ended within `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    if (!this.running || !this.child) return;
    this.exitExpected = true;
    this.child.kill('SIGTERM');
    const timer = new AbortController();
    const ended = await Promise.race([
      this.exit.then(() => true),
      sleep(timeoutMs, timer.signal).then(() => false),
    ]);
    timer.abort();
    if (!ended && this.running) {
      this.child.kill('SIGKILL');
      await this.exit;
    }
  }
}

/** `node <script> ...args` as a managed process (gateway, workers, emulator, simulator). */
export function nodeProcess(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  logFile: string,
): ManagedProcess {
  return new ManagedProcess({ name, command: process.execPath, args: [script, ...args], env, logFile });
}
