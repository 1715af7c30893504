import type { GatewayConfig } from '@parley/config';
import {
  createKeyspace,
  type Keyspace,
  noticesQueuePrefix,
  queues,
  type UpdateJob,
  updateShardLayout,
} from '@parley/contracts';
import {
  type AcceptDeps,
  createBatchedArmer,
  createInbox,
  createLaneShards,
  createWriteBatcher,
  type Inbox,
  type LaneShards,
} from '@parley/lanes';
import type { Logger } from '@parley/logging';
import { createGatewayMetrics, createRegistry, type GatewayMetrics, type Registry } from '@parley/metrics';
import { createProducerConnection, type RedisClient } from '@parley/redis';
import { Queue } from 'bullmq';
import { createBusyNotifier } from './busy-notice';

/** Everything the gateway's handlers need, built once by main.ts (or by a test). */
export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  /** Connection of the BullMQ producers and the probes (a Cluster client with REDIS_CLUSTER_NODES). */
  redis: RedisClient;
  /**
   * Connection of the per-update writes, batched across concurrent requests (see
   * `createWriteBatcher`). Kept apart from BullMQ's connection: its ~60 scripts would be copied
   * into every pipeline, and its heavier calls would delay the inbox writes.
   */
  ingestRedis: RedisClient;
  keys: Keyspace;
  inbox: Inbox;
  /** The shards of the updates queue (one unless UPDATE_QUEUE_SHARDS says otherwise). */
  shards: LaneShards;
  /** What `acceptUpdate` needs, built once (the per-update writes go through `ingestRedis`). */
  accept: AcceptDeps;
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
  const target = config.redisCluster ?? config.redisUrl;
  const redis = createProducerConnection(target, { connectionName: `parley-gateway-${config.botId}` });
  const ingestRedis = createProducerConnection(target, {
    connectionName: `parley-gateway-${config.botId}-ingest`,
  });
  let lastRedisError = 0;
  // Log a dead Redis once every 10 s, not on every reconnect attempt.
  const onError = (err: Error) => {
    if (Date.now() - lastRedisError > 10_000) {
      lastRedisError = Date.now();
      logger.warn({ err }, 'redis connection error; webhooks answer 503 until it is back');
    }
  };
  redis.on('error', onError);
  ingestRedis.on('error', onError);
  redis.on('ready', () => logger.info('redis connection ready'));
  const hashTags = config.redisCluster !== undefined;
  const shards = createLaneShards(
    updateShardLayout(config.keyPrefix, config.queueShards, { hashTags }),
    (shard) => {
      const queue = new Queue(queues.updates.name, { connection: redis, prefix: shard.queuePrefix });
      // BullMQ re-emits connection errors on the queue; without a listener Node would crash the process.
      queue.on('error', () => {});
      return queue;
    },
  );
  const noticesQueue = new Queue(queues.notices.name, {
    connection: redis,
    prefix: noticesQueuePrefix(config.keyPrefix, { hashTags }),
  });
  noticesQueue.on('error', () => {});
  const keys = createKeyspace(config.keyPrefix);
  // The writes of the webhook requests that arrive in one event-loop turn go out as one pipeline,
  // and the lanes they arm as one BullMQ addBulk per shard.
  const batcher = createWriteBatcher(ingestRedis);
  const inbox = createInbox(ingestRedis, keys, { batcher });
  const deps: GatewayDeps = {
    config,
    logger,
    redis,
    ingestRedis,
    keys,
    inbox,
    shards,
    accept: { redis: ingestRedis, keys, inbox, shards, armer: createBatchedArmer(batcher) },
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
  await Promise.all(deps.shards.all.map((s) => s.queue.close().catch(() => {})));
  await deps.noticesQueue.close().catch(() => {});
  deps.redis.disconnect();
  deps.ingestRedis.disconnect();
}
