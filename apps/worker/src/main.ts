import { ConfigError, loadWorkerConfig } from '@parley/config';
import { createLogger } from '@parley/logging';
import { startWorker } from './worker';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadWorkerConfig>;
  try {
    config = loadWorkerConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({
    name: 'worker',
    level: config.logLevel,
    logMessageText: config.logMessageText,
  });
  let worker: Awaited<ReturnType<typeof startWorker>>;
  try {
    worker = await startWorker(config, logger);
  } catch (err) {
    logger.fatal({ err }, `worker could not start: ${(err as Error).message}`);
    process.exit(1);
  }

  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info(
        { signal, graceMs: config.shutdownGraceMs },
        'stopping: no new jobs, finishing the ones in flight',
      );
      worker.close().then(
        () => process.exit(0),
        (err) => {
          logger.error({ err }, 'error while shutting down');
          process.exit(1);
        },
      );
    });
  }
}

void main();
