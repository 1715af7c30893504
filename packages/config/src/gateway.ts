import { z } from 'zod';
import { envEnum, envInt, envOptionalString, envString } from './env';
import { parseEnv } from './errors';
import { clusterSettings, type RedisClusterSettings, redisTopologyEnvSchema } from './redis-topology';
import { botTokenSchema, portSchema, sharedEnvSchema, webhookSecretSchema } from './shared';

const gatewayEnvSchema = z
  .object({
    ...sharedEnvSchema,
    ...redisTopologyEnvSchema,
    SHUTDOWN_GRACE_MS: sharedEnvSchema.SHUTDOWN_GRACE_MS.default(10_000),
    PORT: portSchema('must be a TCP port number (0-65535)').default(8080),
    HOST: envString('must be an address to listen on').default('0.0.0.0'),
    TELEGRAM_WEBHOOK_SECRET: webhookSecretSchema,
    TELEGRAM_WEBHOOK_PATH: envString('must be a URL path')
      .pipe(z.string().regex(/^\/[A-Za-z0-9/_-]*$/, { error: 'must be a URL path starting with /' }))
      .default('/telegram/webhook'),
    TELEGRAM_BOT_TOKEN: envOptionalString(),
    INGEST_MODE: envEnum(['webhook', 'polling'], 'must be "webhook" or "polling"').default('webhook'),
    MAX_BODY_BYTES: envInt('must be a number of bytes between 1024 and 10485760', {
      min: 1_024,
      max: 10_485_760,
    }).default(1_048_576),
    SHUTDOWN_DELAY_MS: envInt('must be milliseconds between 0 and 60000', { min: 0, max: 60_000 }).default(0),
    BUSY_NOTICE_AFTER_MS: envInt('must be milliseconds between 0 and 3600000 (0 turns the notice off)', {
      min: 0,
      max: 3_600_000,
    }).default(20_000),
    ENQUEUE_TIMEOUT_MS: envInt('must be milliseconds between 50 and 30000', { min: 50, max: 30_000 }).default(
      2_000,
    ),
  })
  .superRefine((env, ctx) => {
    if (env.INGEST_MODE === 'polling') {
      const token = botTokenSchema.safeParse(env.TELEGRAM_BOT_TOKEN);
      if (!token.success) {
        ctx.addIssue({
          code: 'custom',
          path: ['TELEGRAM_BOT_TOKEN'],
          message: `${token.error.issues[0]?.message ?? 'is invalid'} (needed when INGEST_MODE=polling)`,
        });
      }
    }
  });

export interface GatewayConfig {
  redisUrl: string;
  /** Set when REDIS_CLUSTER_NODES is: connect to a Redis Cluster instead of REDIS_URL's server. */
  redisCluster?: RedisClusterSettings;
  /**
   * Shards of the updates queue (UPDATE_QUEUE_SHARDS): gateway and worker must agree, and the
   * number may only change while the updates queues are empty (a chat's shard depends on it).
   */
  queueShards: number;
  keyPrefix: string;
  botId: string;
  logLevel: string;
  http: { host: string; port: number; webhookPath: string; maxBodyBytes: number };
  telegram: { webhookSecret: string; apiRoot: string; botToken?: string };
  ingestMode: 'webhook' | 'polling';
  enqueueTimeoutMs: number;
  /** When the backlog's oldest update has waited this long, chats get one "busy, queued" notice. */
  busyNoticeAfterMs: number;
  /**
   * After SIGTERM, how long the gateway keeps serving while /readyz already fails, so that load
   * balancers stop sending before the listener closes (Kubernetes: a few seconds).
   */
  shutdownDelayMs: number;
  shutdownGraceMs: number;
}

/** Reads and validates the gateway's environment; throws ConfigError naming every bad variable. */
export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  const e = parseEnv(gatewayEnvSchema, env);
  return {
    redisUrl: e.REDIS_URL,
    redisCluster: clusterSettings(e.REDIS_CLUSTER_NODES, e.REDIS_URL),
    queueShards: e.UPDATE_QUEUE_SHARDS,
    keyPrefix: e.REDIS_KEY_PREFIX,
    botId: e.BOT_ID,
    logLevel: e.LOG_LEVEL,
    http: {
      host: e.HOST,
      port: e.PORT,
      webhookPath: e.TELEGRAM_WEBHOOK_PATH,
      maxBodyBytes: e.MAX_BODY_BYTES,
    },
    telegram: {
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
      apiRoot: e.TELEGRAM_API_ROOT,
      botToken: e.TELEGRAM_BOT_TOKEN,
    },
    ingestMode: e.INGEST_MODE,
    enqueueTimeoutMs: e.ENQUEUE_TIMEOUT_MS,
    busyNoticeAfterMs: e.BUSY_NOTICE_AFTER_MS,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}
