import { connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';

/**
 * Where a run's Redis commands come from: a MONITOR session (a plain socket, so no client
 * library sits between the stream and the parser) tallies every command, counting those run
 * inside Lua scripts for the script call that ran them, by origin: which process sent it
 * (by the connection's CLIENT SETNAME name) and whether it is BullMQ's work (its first key is a
 * queue key, `…:updates:…` / `…:notices:…`, or the connection is one only BullMQ uses) or
 * Parley's own (inbox, ledger, history, limits, breaker).
 */

export interface OriginTally {
  /** origin → command → calls (script calls plus the commands they ran). */
  byOrigin: Map<string, Map<string, number>>;
}

const QUEUE_KEY = /:(updates|notices):/;

/**
 * One line of MONITOR output: `+<time> [<db> <client address, or "lua">] "cmd" "arg" …`, with
 * backslash escapes inside the quotes (left as they are: only names and keys are looked at).
 */
export function parseMonitorLine(line: string): { source: string; args: string[] } | undefined {
  const match = /^\+[\d.]+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
  if (!match) return undefined;
  const args: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"/g;
  const rest = match[2] ?? '';
  for (let m = re.exec(rest); m; m = re.exec(rest)) args.push(m[1] ?? '');
  return { source: match[1] ?? '', args };
}

/** The first key a command names (for EVAL/EVALSHA, the first of its KEYS). */
export function firstKey(args: string[]): string | undefined {
  const name = (args[0] ?? '').toLowerCase();
  if (name === 'eval' || name === 'evalsha') return Number(args[2]) > 0 ? args[3] : undefined;
  return args[1];
}

/**
 * Which process a connection belongs to, by its CLIENT SETNAME name: `parley-gateway-…`,
 * `parley-worker-…`, and BullMQ's blocking connections, named after their queue, in the worker.
 * BullMQ's own connections (those, and the worker's consumer connection `…-bq`) do only BullMQ's
 * work, keyless commands included. Unnamed connections are the benchmark's own ("other").
 */
export function connectionRole(name: string): { process: string; bullmqOnly: boolean } {
  if (name.includes('gateway')) return { process: 'gateway', bullmqOnly: false };
  if (!name) return { process: 'other', bullmqOnly: false };
  return { process: 'worker', bullmqOnly: name.endsWith('-bq') || !name.startsWith('parley-') };
}

export class CommandOrigins {
  private socket: Socket | undefined;
  private buffer = '';
  /** addr → tally of its top-level commands and their Lua children, by BullMQ-ness. */
  private readonly perAddr = new Map<string, { bullmq: Map<string, number>; own: Map<string, number> }>();
  private current: { bucket: Map<string, number> } | undefined;

  constructor(private readonly url: string) {}

  async start(): Promise<void> {
    const { hostname, port } = new URL(this.url);
    const socket = connect({ host: hostname, port: Number(port) });
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('error', () => {});
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.write('MONITOR\r\n');
    // The "+OK" arrives before any monitored command.
    await new Promise((r) => setTimeout(r, 100));
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    const lines = this.buffer.split('\r\n');
    this.buffer = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  private onLine(line: string): void {
    const parsed = parseMonitorLine(line);
    if (!parsed) return;
    const { source, args } = parsed;
    const name = (args[0] ?? '').toLowerCase();
    if (source === 'lua') {
      if (this.current) this.current.bucket.set(name, (this.current.bucket.get(name) ?? 0) + 1);
      return;
    }
    let entry = this.perAddr.get(source);
    if (!entry) {
      entry = { bullmq: new Map(), own: new Map() };
      this.perAddr.set(source, entry);
    }
    const key = firstKey(args);
    const bucket = key !== undefined && QUEUE_KEY.test(key) ? entry.bullmq : entry.own;
    bucket.set(name, (bucket.get(name) ?? 0) + 1);
    this.current = { bucket };
  }

  /** Stops monitoring and names each connection's commands by process and role. */
  async stop(): Promise<OriginTally> {
    const names = await clientNames(this.url);
    this.socket?.destroy();
    const byOrigin = new Map<string, Map<string, number>>();
    const add = (origin: string, counts: Map<string, number>) => {
      const target = byOrigin.get(origin) ?? new Map<string, number>();
      for (const [cmd, n] of counts) target.set(cmd, (target.get(cmd) ?? 0) + n);
      byOrigin.set(origin, target);
    };
    for (const [addr, { bullmq, own }] of this.perAddr) {
      const { process, bullmqOnly } = connectionRole(names.get(addr) ?? '');
      add(`${process}: BullMQ`, bullmq);
      add(bullmqOnly ? `${process}: BullMQ` : `${process}: Parley's own`, own);
    }
    for (const [origin, counts] of byOrigin) if (counts.size === 0) byOrigin.delete(origin);
    return { byOrigin };
  }
}

async function clientNames(url: string): Promise<Map<string, string>> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    const list = String(await redis.client('LIST'));
    const names = new Map<string, string>();
    for (const line of list.split('\n')) {
      const addr = /\baddr=(\S+)/.exec(line)?.[1];
      if (addr) names.set(addr, /\bname=(\S*)/.exec(line)?.[1] ?? '');
    }
    return names;
  } finally {
    redis.disconnect();
  }
}
