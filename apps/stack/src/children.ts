import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { colorPrefix, formatLogLine } from './log-format';
import { prefixed, type StackOutput } from './output';

export interface ChildSpec {
  /** Shown as the `[name]` prefix of every line: gateway, worker-1, ... */
  name: string;
  /** Arguments for `node`: flags and the entry point. */
  args: string[];
  env: Record<string, string>;
}

export interface SupervisorOptions {
  out: StackOutput;
  /** Picks the prefix color. */
  index: number;
  restartDelayMs: number;
  maxRestartsPerMinute: number;
  /** Called once when the child keeps crashing; the stack then stops. */
  onGiveUp(reason: string): void;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Running {
  proc: ChildProcess;
  /** Resolves once the process has ended and its output has been read to the end. */
  closed: Promise<ExitInfo>;
}

const MINUTE_MS = 60_000;

/**
 * One gateway or worker process: spawns it, prefixes its output, restarts it when it dies
 * (within a budget), and stops it with SIGTERM, then SIGKILL after a timeout.
 */
export class SupervisedChild {
  /**
   * Off while the stack starts: a child that dies before it is ready usually has a problem a
   * restart cannot fix (configuration, a port in use), so the start fails instead of looping.
   */
  restartOnExit = false;
  private running?: Running;
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  private restarts: number[] = [];
  private readonly prefix: string;

  constructor(
    readonly spec: ChildSpec,
    private readonly opts: SupervisorOptions,
  ) {
    const text = prefixed(spec.name);
    this.prefix = opts.out.color ? colorPrefix(text, opts.index) : text;
  }

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.running?.proc.pid;
  }

  start(): void {
    const proc = spawn(process.execPath, this.spec.args, {
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const closed = new Promise<ExitInfo>((resolve) => {
      proc.once('close', (code, signal) => resolve({ code, signal }));
      // A spawn failure may come without 'close'; report it like an exit.
      proc.once('error', (err) => {
        this.print(`could not be started: ${err.message}`);
        resolve({ code: null, signal: null });
      });
    });
    if (proc.stdout) this.pipeLines(proc.stdout);
    if (proc.stderr) this.pipeLines(proc.stderr);
    const running = { proc, closed };
    this.running = running;
    void closed.then((info) => this.onClosed(running, info));
  }

  /** Resolves when the process started last ends. */
  exited(): Promise<ExitInfo> {
    return this.running?.closed ?? Promise.resolve({ code: null, signal: null });
  }

  /** SIGTERM, then SIGKILL if it has not ended within `timeoutMs`. No restart afterwards. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const running = this.running;
    if (!running) return;
    const { proc, closed } = running;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      closed.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!inTime) {
      this.print(`did not stop within ${timeoutMs / 1000} s; killing it`);
      proc.kill('SIGKILL');
      await closed;
    }
  }

  /** For a stack process that is exiting right now and cannot wait: kill without ceremony. */
  killNow(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const proc = this.running?.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }

  private onClosed(running: Running, info: ExitInfo): void {
    if (this.running !== running) return;
    const how = describeExit(info);
    if (this.stopping) {
      this.print(`stopped (${how})`);
      return;
    }
    if (!this.restartOnExit) {
      this.print(how);
      return;
    }

    const now = Date.now();
    this.restarts = this.restarts.filter((at) => now - at < MINUTE_MS);
    const max = this.opts.maxRestartsPerMinute;
    if (this.restarts.length >= max) {
      this.print(`${how}; it was restarted ${max} times within a minute, giving up`);
      this.opts.onGiveUp(`${this.name} keeps exiting (${how})`);
      return;
    }
    this.restarts.push(now);
    this.print(`${how}; restarting in ${this.opts.restartDelayMs / 1000} s`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.start();
      this.print(`restarted (pid ${this.pid ?? '?'})`);
    }, this.opts.restartDelayMs);
  }

  private pipeLines(stream: Readable): void {
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) =>
      this.opts.out.write(`${this.prefix} ${formatLogLine(line, this.opts.out.color)}`),
    );
  }

  private print(text: string): void {
    this.opts.out.write(`${this.prefix} ${text}`);
  }
}

export function describeExit({ code, signal }: ExitInfo): string {
  if (code !== null) return `exited with code ${code}`;
  if (signal !== null) return `was killed by ${signal}`;
  return 'ended';
}
