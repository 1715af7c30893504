export type { Cluster, Redis } from 'ioredis';
export {
  type ClusterTarget,
  type ConnectionOptions,
  createCommandConnection,
  createProducerConnection,
  createWorkerConnection,
  pingWithTimeout,
  type RedisClient,
  type RedisTarget,
} from './connections';
export { type LocalRedisCluster, type StartClusterOptions, startRedisCluster } from './local-cluster';
export {
  ensureRedis,
  freePort,
  isRedisReachable,
  type LocalRedis,
  redisServerArgs,
  type StartRedisOptions,
  startRedisServer,
} from './local-server';
