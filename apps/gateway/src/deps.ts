import type { GatewayConfig } from '@parley/config';
import { createKeyspace, type Keyspace, queues, type UpdateJob } from '@parley/contracts';
import { createInbox, type Inbox } from '@parley/lanes';
import type { Logger } from '@parley/logging';
import { createGatewayMetrics, createRegistry, type GatewayMetrics, type Registry } from '@parley/metrics';
import { createProducerConnection, type Redis } from '@parley/redis';
import { Queue } from 'bullmq';
import { createBusyNotifier } from './busy-notice';

/** Everything the gateway's handlers need, built once by main.ts (or by a test). */
export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  redis: Redis;
  keys: Keyspace;
  inbox: Inbox;
  updatesQueue: Queue;
  noticesQueue: Queue;
  /** The overload notice, run after each accepted update. */
  afterAccept: (payload: UpdateJob) => Promise<void>;
  stopBackgroundWork: () => void;
  registry: Registry;
  metrics: GatewayMetrics;
}

export function createGatewayDeps(
  config: GatewayConfig,
  logger: Logger,
  registry = createRegistry(),
): GatewayDeps {
  const redis = createProducerConnection(config.redisUrl, {
    connectionName: `parley-gateway-${config.botId}`,
  });
  let lastRedisError = 0;
  // Log a dead Redis once every 10 s, not on every reconnect attempt.
  redis.on('error', (err) => {
    if (Date.now() - lastRedisError > 10_000) {
      lastRedisError = Date.now();
      logger.warn({ err }, 'redis connection error; webhooks answer 503 until it is back');
    }
  });
  redis.on('ready', () => logger.info('redis connection ready'));
  const updatesQueue = new Queue(queues.updates.name, { connection: redis, prefix: config.keyPrefix });
  // BullMQ re-emits connection errors on the queue; without a listener Node would crash the process.
  updatesQueue.on('error', () => {});
  const noticesQueue = new Queue(queues.notices.name, { connection: redis, prefix: config.keyPrefix });
  noticesQueue.on('error', () => {});
  const keys = createKeyspace(config.keyPrefix);
  const deps: GatewayDeps = {
    config,
    logger,
    redis,
    keys,
    inbox: createInbox(redis, keys),
    updatesQueue,
    noticesQueue,
    registry,
    metrics: createGatewayMetrics(registry),
    afterAccept: async () => {},
    stopBackgroundWork: () => {},
  };
  const notifier = createBusyNotifier(deps, noticesQueue);
  deps.afterAccept = notifier.afterAccept;
  deps.stopBackgroundWork = notifier.stop;
  return deps;
}

export async function closeGatewayDeps(deps: GatewayDeps): Promise<void> {
  deps.stopBackgroundWork();
  await deps.updatesQueue.close().catch(() => {});
  await deps.noticesQueue.close().catch(() => {});
  deps.redis.disconnect();
}
