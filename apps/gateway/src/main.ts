import { ConfigError, loadGatewayConfig } from '@parley/config';
import { createLogger } from '@parley/logging';
import { startGateway } from './gateway';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadGatewayConfig>;
  try {
    config = loadGatewayConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ name: 'gateway', level: config.logLevel });
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway(config, logger);
  } catch (err) {
    logger.fatal({ err }, `gateway could not start: ${(err as Error).message}`);
    process.exit(1);
  }

  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'draining: readiness now fails, in-flight requests finish');
      gateway.close().then(
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
