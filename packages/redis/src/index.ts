export type { Redis } from 'ioredis';
export {
  type ConnectionOptions,
  createCommandConnection,
  createProducerConnection,
  createWorkerConnection,
  pingWithTimeout,
} from './connections';
export {
  ensureRedis,
  freePort,
  isRedisReachable,
  type LocalRedis,
  redisServerArgs,
  type StartRedisOptions,
  startRedisServer,
} from './local-server';
