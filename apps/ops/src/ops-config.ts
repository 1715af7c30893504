import {
  clusterSettings,
  envUrl,
  parseEnv,
  type RedisClusterSettings,
  redisTopologyEnvSchema,
} from '@parley/config';
import { z } from 'zod';

/**
 * The environment of parley-ops. Each command reads only the part it needs, so `parley-ops queues`
 * does not ask for a bot token and `parley-ops cluster status` asks for nothing at all.
 */

const name = (what: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, { error: `must be 1-32 characters of a-z 0-9 _ - (${what})` }),
  );

const redisSchema = z.object({
  REDIS_URL: envUrl('must be a redis:// or rediss:// URL', ['redis:', 'rediss:']).default(
    'redis://127.0.0.1:6379',
  ),
  REDIS_KEY_PREFIX: name('the prefix of every queue and key').default('parley'),
  BOT_ID: name('the bot whose keys are meant').default('default'),
  // Where the updates queue is and how it is split, as gateway and worker have it.
  ...redisTopologyEnvSchema,
});

export type OpsRedisConfig = {
  redisUrl: string;
  keyPrefix: string;
  botId: string;
  redisCluster?: RedisClusterSettings;
  queueShards: number;
};

export function loadOpsRedisConfig(env: Record<string, string | undefined>): OpsRedisConfig {
  const e = parseEnv(redisSchema, env);
  return {
    redisUrl: e.REDIS_URL,
    keyPrefix: e.REDIS_KEY_PREFIX,
    botId: e.BOT_ID,
    redisCluster: clusterSettings(e.REDIS_CLUSTER_NODES, e.REDIS_URL),
    queueShards: e.UPDATE_QUEUE_SHARDS,
  };
}

const telegramSchema = z.object({
  TELEGRAM_BOT_TOKEN: z
    .string({ error: 'is required: the bot token from @BotFather' })
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, {
      error: 'must look like 123456789:AAE… (the token from @BotFather)',
    }),
  TELEGRAM_API_ROOT: envUrl('must be an http(s) URL of the Bot API server', ['http:', 'https:']).default(
    'https://api.telegram.org',
  ),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, { error: 'must be 1-256 characters of A-Z a-z 0-9 _ -' })
    .optional(),
  TELEGRAM_WEBHOOK_URL: envUrl('must be the public http(s) URL of the gateway', [
    'http:',
    'https:',
  ]).optional(),
  TELEGRAM_WEBHOOK_PATH: z
    .string()
    .regex(/^\/[A-Za-z0-9/_-]*$/, { error: 'must be a URL path starting with /' })
    .default('/telegram/webhook'),
});

export interface OpsTelegramConfig {
  botToken: string;
  apiRoot: string;
  /** The gateway's TELEGRAM_WEBHOOK_SECRET; `webhook set` needs it, the others do not. */
  webhookSecret?: string;
  webhookUrl?: string;
  webhookPath: string;
}

export function loadOpsTelegramConfig(env: Record<string, string | undefined>): OpsTelegramConfig {
  const e = parseEnv(telegramSchema, env);
  return {
    botToken: e.TELEGRAM_BOT_TOKEN,
    apiRoot: e.TELEGRAM_API_ROOT,
    webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
    webhookUrl: e.TELEGRAM_WEBHOOK_URL,
    webhookPath: e.TELEGRAM_WEBHOOK_PATH,
  };
}
