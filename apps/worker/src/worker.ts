import type { WorkerConfig } from '@parley/config';
import { LANE_BACKOFF_TYPE, noticesQueuePrefix, queues } from '@parley/contracts';
import type { Logger } from '@parley/logging';
import { registerQueueGauges } from '@parley/metrics';
import { createWorkerConnection, pingWithTimeout } from '@parley/redis';
import { loadBotInfo } from '@parley/telegram';
import { Worker } from 'bullmq';
import type { UserFromGetMe } from 'grammy/types';
import { createBotComposer } from './bot/composer';
import { updateBackoffMs } from './bot/errors';
import { createWorkerDeps, type WorkerDeps } from './deps';
import { createWorkerHttpServer } from './http-server';
import { createNoticesProcessor } from './processors/notices-processor';
import { createUpdatesProcessor } from './processors/updates-processor';
import { openQueueShards } from './queue-shards';

export interface RunningWorker {
  deps: WorkerDeps;
  /** Where /metrics, /livez and /readyz are served. */
  metricsUrl: string;
  /**
   * Stops taking jobs and waits for the ones in flight up to the grace period; jobs still
   * running then are abandoned to BullMQ's stalled-job check and picked up by another worker.
   */
  close(): Promise<void>;
}

export async function startWorker(config: WorkerConfig, logger: Logger): Promise<RunningWorker> {
  const deps = createWorkerDeps(config, logger);

  // getMe once per bot, shared through Redis; retried on the next job if Telegram is unreachable.
  let botInfo: Promise<UserFromGetMe> | undefined;
  const getBotInfo = () => {
    botInfo ??= loadBotInfo(deps.api, deps.redis, deps.keys.botInfo(config.botId)).catch((err) => {
      botInfo = undefined;
      throw err;
    });
    return botInfo;
  };

  const composer = createBotComposer();
  const connection = createWorkerConnection(config.redisCluster ?? config.redisUrl, {
    connectionName: `parley-worker-${config.botId}-bq`,
  });
  connection.on('error', () => {});
  // One BullMQ worker per shard of the updates queue, all on one connection (BullMQ opens its
  // own blocking connection per worker).
  const shards = openQueueShards(config, deps);
  const workers = shards.map(
    ({ shard, deps: shardDeps }) =>
      new Worker(queues.updates.name, createUpdatesProcessor(shardDeps, composer, getBotInfo), {
        connection,
        prefix: shard.queuePrefix,
        concurrency: config.shardConcurrency,
        lockDuration: config.lockDurationMs,
        stalledInterval: config.stalledIntervalMs,
        // A lane whose worker was killed is picked up again, however often that happens.
        maxStalledCount: 100,
        settings: { backoffStrategy: laneBackoff },
      }),
  );
  const noticesWorker = new Worker(queues.notices.name, createNoticesProcessor(deps), {
    connection,
    prefix: noticesQueuePrefix(config.keyPrefix, { hashTags: config.redisCluster !== undefined }),
    concurrency: 4,
  });
  noticesWorker.on('error', () => {});
  let lastWorkerError = 0;
  for (const worker of workers) {
    worker.on('error', (err) => {
      if (Date.now() - lastWorkerError > 10_000) {
        lastWorkerError = Date.now();
        logger.warn({ err }, 'queue consumer error; it reconnects by itself');
      }
    });
    worker.on('failed', (job, err) => {
      if (!job) return;
      const attempts = job.opts.attempts ?? 1;
      const final = job.attemptsMade >= attempts || err.name === 'UnrecoverableError';
      logger[final ? 'error' : 'warn'](
        { err, jobId: job.id, queue: job.queueQualifiedName, attemptsMade: job.attemptsMade, attempts },
        final ? 'job failed for good; kept in the failed set' : 'job failed; will be retried',
      );
    });
  }

  registerQueueGauges(
    deps.registry,
    shards.map(({ shard }) => ({ name: shard.label, queue: shard.queue })),
  );
  // Idempotent across pods: one scheduler per shard, whichever worker upserts it.
  for (const { shard } of shards) {
    await shard.queue
      .upsertJobScheduler(
        'sweep-lanes',
        { every: config.lanes.sweepIntervalMs },
        { name: 'sweep-lanes', data: {}, opts: queues.updates.jobs['sweep-lanes'].options },
      )
      .catch((err) =>
        logger.warn(
          { err, queue: shard.label },
          'could not schedule the lane sweeper; retried at next start',
        ),
      );
  }

  const http = createWorkerHttpServer(
    deps.registry,
    async () => workers.every((w) => w.isRunning()) && (await pingWithTimeout(deps.redis, 500)),
  );
  const metricsUrl = await new Promise<string>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.metrics.port, config.metrics.host, () => {
      const address = http.address();
      const port = typeof address === 'object' && address ? address.port : config.metrics.port;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
  logger.info(
    {
      concurrency: config.shardConcurrency * shards.length,
      queueShards: shards.length,
      metricsUrl,
      model: config.llm.model,
    },
    'worker started',
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const graceful = Promise.all([...workers.map((w) => w.close()), noticesWorker.close()]);
      const inTime = await Promise.race([
        graceful.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), config.shutdownGraceMs).unref()),
      ]);
      if (!inTime) {
        logger.warn('grace period over; handing unfinished jobs back to the queue');
        await Promise.all([...workers.map((w) => w.close(true)), noticesWorker.close(true)]);
      }
      await deps.embeddings?.close().catch(() => {});
      await Promise.all(shards.map(({ shard }) => shard.queue.close().catch(() => {})));
      await deps.updatesQueue.close().catch(() => {});
      await new Promise((r) => http.close(r));
      connection.disconnect();
      deps.redis.disconnect();
    })();
    return closing;
  };
  return { deps, metricsUrl, close };
}

/** Lanes that fail outside an update's own handling (e.g. Redis errors) back off like updates do. */
function laneBackoff(attemptsMade: number, type?: string): number {
  return type === LANE_BACKOFF_TYPE ? updateBackoffMs(attemptsMade) : 1_000;
}
