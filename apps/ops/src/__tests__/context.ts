import { createKeyspace, queues } from '@parley/contracts';
import { createDeadLetters, createInbox } from '@parley/lanes';
import type { Redis } from '@parley/redis';
import { Queue } from 'bullmq';
import type { OpsConnectors, OpsContext } from '../ops-context';

/** An OpsContext on a test prefix that collects what the command prints. */
export function testOpsContext(redis: Redis, prefix: string, botId = 'default') {
  const keys = createKeyspace(prefix);
  const lines: string[] = [];
  const queue = new Queue(queues.updates.name, { connection: redis, prefix });
  const ctx: OpsContext = {
    redis,
    keys,
    botId,
    inbox: createInbox(redis, keys),
    deadLetters: createDeadLetters(redis, keys),
    updatesQueue: queue,
    out: (line) => lines.push(line),
    json: false,
  };
  const connectors: OpsConnectors = {
    redis: async (json) => ({ ...ctx, json }),
    telegram: () => Promise.reject(new Error('no Telegram in this test')),
    cluster: () => Promise.reject(new Error('no cluster in this test')),
  };
  return { ctx, lines, queue, keys, connectors };
}
