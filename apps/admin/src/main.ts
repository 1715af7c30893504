import type { AddressInfo } from 'node:net';
import { ConfigError } from '@parley/config';
import { createLogger } from '@parley/logging';
import { createCommandConnection } from '@parley/redis';
import { adminQueues } from './admin-queues';
import { createAdminApp } from './admin-server';
import { loadAdminConfig } from './config';

function main(): void {
  let config: ReturnType<typeof loadAdminConfig>;
  try {
    config = loadAdminConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ name: 'parley-admin', level: config.logLevel });
  const redis = createCommandConnection(config.redisUrl, { connectionName: 'parley-admin' });
  redis.on('error', (err) => logger.warn({ err }, 'redis connection error'));
  const queues = adminQueues(redis, config.keyPrefix, config.queueShards);
  const app = createAdminApp({ queues, username: config.username, password: config.password });
  const server = app.listen(config.port, config.host, () => {
    logger.info(
      {
        url: `http://${config.host}:${(server.address() as AddressInfo).port}/`,
        queues: queues.map((q) => q.label),
      },
      'admin server listening (Bull Board, basic auth)',
    );
  });
  server.on('error', (err) => {
    logger.error({ err }, 'admin server cannot listen');
    process.exit(1);
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void Promise.all(queues.map((q) => q.queue.close()))
      .catch(() => {})
      .finally(() => {
        redis.disconnect();
        process.exit(0);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main();
