export { envBoolean, envInt, envOptionalString, envUrl, withoutBlanks } from './env';
export { ConfigError, isSecretName, parseEnv, toConfigError } from './errors';
export { type GatewayConfig, loadGatewayConfig } from './gateway';
export { clusterSettings, type RedisClusterSettings, redisTopologyEnvSchema } from './redis-topology';
export {
  DEFAULT_SYSTEM_PROMPT,
  type LlmBackendSettings,
  type LlmSettings,
  loadWorkerConfig,
  type WorkerConfig,
} from './worker';
export type { GuardSettings } from './worker-guard';
export type { MediaSettings } from './worker-media';
