export { envBoolean, envInt, envOptionalString, envUrl, withoutBlanks } from './env';
export { ConfigError, isSecretName, parseEnv, toConfigError } from './errors';
export { type GatewayConfig, loadGatewayConfig } from './gateway';
export {
  DEFAULT_SYSTEM_PROMPT,
  type LlmBackendSettings,
  type LlmSettings,
  loadWorkerConfig,
  type WorkerConfig,
} from './worker';
