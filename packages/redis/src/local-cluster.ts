import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ClusterTarget } from './connections';
import { freePort, type LocalRedis, startRedisServer } from './local-server';

const run = promisify(execFile);

/**
 * A throwaway Redis Cluster on loopback, for tests: N `redis-server --cluster-enabled yes`
 * processes joined with `redis-cli --cluster create` (masters only, slots split evenly).
 */
export interface LocalRedisCluster {
  /** Where to connect (`new Cluster(target.nodes)`, or `createCommandConnection(target)`). */
  target: ClusterTarget;
  /** Each node as a single-server URL (for INFO, CLUSTER commands…). */
  nodeUrls: string[];
  stop(): Promise<void>;
}

export interface StartClusterOptions {
  /** Masters to start. @defaultValue 3 (the fewest `redis-cli --cluster create` accepts) */
  nodes?: number;
  /** @defaultValue "redis-server" */
  binary?: string;
  /** @defaultValue "redis-cli" */
  cli?: string;
}

async function cli(binary: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(binary, args, { timeout: 20_000 });
    return stdout;
  } catch (err) {
    const e = err as Error & { code?: string; stderr?: string; stdout?: string };
    if (e.code === 'ENOENT') {
      throw new Error(`${binary} not found; install it (Debian: apt-get install redis-tools redis-server)`);
    }
    throw new Error(`${binary} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

/** Starts the nodes, joins them into one cluster and waits until every node reports it ok. */
export async function startRedisCluster(opts: StartClusterOptions = {}): Promise<LocalRedisCluster> {
  const count = opts.nodes ?? 3;
  const binary = opts.cli ?? 'redis-cli';
  const dir = mkdtempSync(join(tmpdir(), 'parley-cluster-'));
  const servers: LocalRedis[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      // An explicit bus port: the default (port + 10000) may be beyond 65535 or taken.
      const busPort = await freePort();
      ports.push(port);
      servers.push(
        await startRedisServer({
          port,
          dir,
          binary: opts.binary,
          extraArgs: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, `nodes-${port}.conf`),
            '--cluster-port',
            String(busPort),
            '--cluster-node-timeout',
            '5000',
            '--dbfilename',
            `dump-${port}.rdb`,
            '--appendfilename',
            `appendonly-${port}.aof`,
            '--appenddirname',
            `aof-${port}`,
          ],
        }),
      );
    }
    const addresses = ports.map((p) => `127.0.0.1:${p}`);
    await cli(binary, ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    const deadline = Date.now() + 20_000;
    for (const port of ports) {
      for (;;) {
        const info = await cli(binary, ['-p', String(port), 'cluster', 'info']);
        if (/cluster_state:ok/.test(info) && /cluster_known_nodes:(\d+)/.exec(info)?.[1] === String(count))
          break;
        if (Date.now() > deadline) throw new Error(`redis cluster node ${port} did not become ok: ${info}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return {
      target: { nodes: ports.map((port) => ({ host: '127.0.0.1', port })) },
      nodeUrls: ports.map((port) => `redis://127.0.0.1:${port}`),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
