import { createKeyspace, queues } from '@parley/contracts';
import { createDeadLetters, createInbox } from '@parley/lanes';
import { createCommandConnection, isRedisReachable, type Redis } from '@parley/redis';
import { Queue } from 'bullmq';
import type { OpsContext } from './ops-context';
import { runOps, UsageError } from './run-ops';

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
  const prefix = process.env.REDIS_KEY_PREFIX?.trim() || 'parley';
  let redis: Redis | undefined;
  let queue: Queue | undefined;
  const connect = async (json: boolean): Promise<OpsContext> => {
    if (!(await isRedisReachable(redisUrl, 2_000))) {
      throw new Error(`cannot reach Redis at ${redisUrl.replace(/\/\/[^@]*@/, '//')} (set REDIS_URL)`);
    }
    redis = createCommandConnection(redisUrl, { connectionName: 'parley-ops' });
    const keys = createKeyspace(prefix);
    queue = new Queue(queues.updates.name, { connection: redis, prefix });
    return {
      redis,
      keys,
      inbox: createInbox(redis, keys),
      deadLetters: createDeadLetters(redis, keys),
      updatesQueue: queue,
      out: (line) => console.log(line),
      json,
    };
  };
  let code: number;
  try {
    code = await runOps(process.argv.slice(2), connect);
  } catch (err) {
    console.error(err instanceof UsageError ? err.message : `parley-ops: ${(err as Error).message}`);
    code = err instanceof UsageError ? 2 : 1;
  }
  await queue?.close().catch(() => {});
  redis?.disconnect();
  process.exit(code);
}

void main();
