import { type GatewayConfig, loadGatewayConfig, loadWorkerConfig, type WorkerConfig } from '@parley/config';
import type { StackConfig } from './stack-config';
import type { LlmSide, TelegramSide } from './stand-ins';

export interface ChildEnvInput {
  config: StackConfig;
  redisUrl: string;
  telegram: TelegramSide;
  llm: LlmSide;
  webhookSecret: string;
  ingestMode: 'webhook' | 'polling';
}

/**
 * What gateway and workers share: every variable the stack was given except STACK_*, with
 * the stack's decisions (Redis, Telegram, LLM, secret, ingest mode) on top.
 */
export function sharedChildEnv(input: ChildEnvInput): Record<string, string> {
  const { config, telegram, llm } = input;
  const env: Record<string, string> = {
    ...config.passThrough,
    REDIS_URL: input.redisUrl,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_WEBHOOK_SECRET: input.webhookSecret,
    TELEGRAM_WEBHOOK_PATH: config.telegram.webhookPath,
    INGEST_MODE: input.ingestMode,
    // The stack kills what has not stopped after stopTimeoutMs; a shorter grace lets the apps
    // finish their own drain first (the worker's default of 30 s would always be cut short).
    SHUTDOWN_GRACE_MS:
      config.passThrough.SHUTDOWN_GRACE_MS ?? String(Math.max(0, config.supervision.stopTimeoutMs - 5_000)),
  };
  if (telegram.apiRoot) env.TELEGRAM_API_ROOT = telegram.apiRoot;
  if (llm.baseUrl) env.OPENAI_BASE_URL = llm.baseUrl;
  if (llm.model) env.LLM_MODEL = llm.model;
  if (llm.kind !== 'simulator' && llm.apiKey) env.OPENAI_API_KEY = llm.apiKey;
  // The simulator's models all take image input, so photos sent in the chat page get an answer.
  if (llm.kind === 'simulator' && env.LLM_VISION_MODELS === undefined) env.LLM_VISION_MODELS = '*';
  return env;
}

export function gatewayEnv(
  shared: Record<string, string>,
  host: string,
  port: number,
): Record<string, string> {
  return { ...shared, HOST: host, PORT: String(port) };
}

export function workerEnv(
  shared: Record<string, string>,
  host: string,
  metricsPort: number,
): Record<string, string> {
  return { ...shared, METRICS_HOST: host, METRICS_PORT: String(metricsPort) };
}

/**
 * Runs the apps' own configuration checks before anything is spawned, so that a bad
 * pass-through variable (WORKER_CONCURRENCY=lots) is reported once, in the apps' words,
 * instead of by every child in a restart loop. Throws ConfigError.
 */
export function checkChildConfig(
  gateway: Record<string, string>,
  worker: Record<string, string>,
): { gateway: GatewayConfig; worker: WorkerConfig } {
  return { gateway: loadGatewayConfig(gateway), worker: loadWorkerConfig(worker) };
}
