import { mkdirSync } from 'node:fs';
import { scrubSecrets } from '@parley/logging';
import { isRedisReachable, startRedisServer } from '@parley/redis';
import { type StackOutput, say } from './output';
import type { StackConfig } from './stack-config';
import { StackError } from './stack-error';

export interface StackRedis {
  url: string;
  /** Set when the stack started redis-server itself: its data directory. */
  startedIn?: string;
  stop(): Promise<void>;
}

/**
 * The Redis at REDIS_URL when it answers; otherwise a redis-server of our own on a free port,
 * with an append-only file under `config.redisDir`, so conversations survive a restart of the
 * stack the way they would in production.
 */
export async function provideRedis(config: StackConfig, out: StackOutput): Promise<StackRedis> {
  if (await isRedisReachable(config.redisUrl)) return { url: config.redisUrl, stop: async () => {} };
  mkdirSync(config.redisDir, { recursive: true });
  try {
    const local = await startRedisServer({ appendOnly: true, dir: config.redisDir });
    say(
      out,
      `nothing answers at ${scrubSecrets(config.redisUrl)}; started redis-server at ${local.url} (data in ${config.redisDir})`,
    );
    return { url: local.url, startedIn: config.redisDir, stop: () => local.stop() };
  } catch (err) {
    const message = (err as Error).message;
    if (/ENOENT/.test(message)) {
      throw new StackError(
        `nothing answers at ${scrubSecrets(config.redisUrl)} and redis-server is not installed: run \`apt-get install redis-server\` (or set REDIS_URL to a running Redis)`,
      );
    }
    throw new StackError(
      `nothing answers at ${scrubSecrets(config.redisUrl)} and redis-server could not be started: ${message}`,
    );
  }
}
