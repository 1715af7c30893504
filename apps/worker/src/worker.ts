import type { WorkerConfig } from '@parley/config';
import { queues, type UpdateJob } from '@parley/contracts';
import type { Logger } from '@parley/logging';
import { instrumentProcessor, registerQueueGauges } from '@parley/metrics';
import { createWorkerConnection, pingWithTimeout } from '@parley/redis';
import { loadBotInfo } from '@parley/telegram';
import { Queue, Worker } from 'bullmq';
import type { UserFromGetMe } from 'grammy/types';
import { createBotComposer } from './bot/composer';
import { createWorkerDeps, type WorkerDeps } from './deps';
import { createWorkerHttpServer } from './http-server';
import { createUpdateProcessor } from './update-processor';

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

  const processor = instrumentProcessor(
    queues.updates.name,
    deps.metrics,
    createUpdateProcessor(deps, createBotComposer(), getBotInfo),
  );
  const connection = createWorkerConnection(config.redisUrl, {
    connectionName: `parley-worker-${config.botId}-bq`,
  });
  connection.on('error', () => {});
  const worker = new Worker<UpdateJob>(queues.updates.name, processor, {
    connection,
    prefix: config.keyPrefix,
    concurrency: config.concurrency,
  });
  let lastWorkerError = 0;
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
      { err, jobId: job.id, attemptsMade: job.attemptsMade, attempts },
      final ? 'job failed for good; kept in the failed set' : 'job failed; will be retried',
    );
  });

  const statsQueue = new Queue(queues.updates.name, { connection: deps.redis, prefix: config.keyPrefix });
  statsQueue.on('error', () => {});
  registerQueueGauges(deps.registry, [{ name: queues.updates.name, queue: statsQueue }]);

  const http = createWorkerHttpServer(
    deps.registry,
    async () => worker.isRunning() && (await pingWithTimeout(deps.redis, 500)),
  );
  const metricsUrl = await new Promise<string>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.metrics.port, config.metrics.host, () => {
      const address = http.address();
      const port = typeof address === 'object' && address ? address.port : config.metrics.port;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
  logger.info({ concurrency: config.concurrency, metricsUrl, model: config.llm.model }, 'worker started');

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const graceful = worker.close();
      const inTime = await Promise.race([
        graceful.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), config.shutdownGraceMs).unref()),
      ]);
      if (!inTime) {
        logger.warn('grace period over; handing unfinished jobs back to the queue');
        await worker.close(true);
      }
      await statsQueue.close().catch(() => {});
      await new Promise((r) => http.close(r));
      connection.disconnect();
      deps.redis.disconnect();
    })();
    return closing;
  };
  return { deps, metricsUrl, close };
}
