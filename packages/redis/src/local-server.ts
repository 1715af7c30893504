import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starting a throwaway `redis-server` for local runs and tests, when the configured one is not
 * reachable. Production never uses this: there Redis is a managed service.
 */

export interface LocalRedis {
  url: string;
  /** True when this process started the server (and `stop` will end it). */
  started: boolean;
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  port?: number;
  /** Turn AOF on (`appendfsync everysec`), as production should run. @defaultValue false */
  appendOnly?: boolean;
  /** Data directory; a fresh temporary one when omitted. */
  dir?: string;
  /** Path of the binary. @defaultValue "redis-server" */
  binary?: string;
  /** More `redis-server` arguments (e.g. cluster mode). */
  extraArgs?: string[];
}

/**
 * Resolves true when a Redis server answers PING at `url` within `timeoutMs`. A raw socket keeps
 * this free of client reconnect timers; an auth error still proves a server is there.
 */
export function isRedisReachable(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      const reply = data.toString();
      done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
  });
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Command-line settings of a loopback redis-server as Parley needs it: keys never evicted
 * (BullMQ must not lose jobs), no RDB snapshots, AOF when durability is wanted.
 */
export function redisServerArgs(opts: {
  port: number;
  dir: string;
  appendOnly: boolean;
  /** @defaultValue "everysec" */
  appendFsync?: 'always' | 'everysec' | 'no';
}): string[] {
  return [
    '--port',
    String(opts.port),
    '--bind',
    '127.0.0.1',
    '--dir',
    opts.dir,
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--appendonly',
    opts.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    opts.appendFsync ?? 'everysec',
  ];
}

/** Starts `redis-server` on loopback and waits until it answers PING. */
export async function startRedisServer(opts: StartRedisOptions = {}): Promise<LocalRedis> {
  const port = opts.port ?? (await freePort());
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'parley-redis-'));
  const args = [
    ...redisServerArgs({ port, dir, appendOnly: opts.appendOnly ?? false }),
    ...(opts.extraArgs ?? []),
  ];
  let child: ChildProcess;
  try {
    child = spawn(opts.binary ?? 'redis-server', args, { stdio: 'ignore' });
  } catch (err) {
    throw new Error(`could not start redis-server: ${(err as Error).message}`);
  }
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (err) =>
      reject(
        new Error(
          `could not start redis-server (${err.message}); install it (Debian: apt-get install redis-server)`,
        ),
      ),
    );
  });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  const ready = (async () => {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
      if (await isRedisReachable(url, 200)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not answer on ${url} within 10 s`);
  })();
  await Promise.race([ready, spawnError]);
  return {
    url,
    started: true,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000).unref())]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Uses the Redis at `url` when it answers, otherwise starts a local one on a free port. */
export async function ensureRedis(url: string, opts: StartRedisOptions = {}): Promise<LocalRedis> {
  if (await isRedisReachable(url)) return { url, started: false, stop: async () => {} };
  return startRedisServer(opts);
}
