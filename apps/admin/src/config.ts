import { envInt, envUrl, parseEnv } from '@parley/config';
import { z } from 'zod';

const name = (what: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, { error: `must be 1-32 characters of a-z 0-9 _ - (${what})` }),
  );

const adminEnvSchema = z.object({
  REDIS_URL: envUrl('must be a redis:// or rediss:// URL', ['redis:', 'rediss:']).default(
    'redis://127.0.0.1:6379',
  ),
  REDIS_KEY_PREFIX: name('it prefixes every Redis key and queue').default('parley'),
  UPDATE_QUEUE_SHARDS: envInt('must be an integer between 1 and 128', { min: 1, max: 128 }).default(1),
  ADMIN_USERNAME: z
    .string()
    .regex(/^[^:\s]{1,64}$/, { error: 'must be 1-64 characters without spaces or ":"' })
    .default('admin'),
  ADMIN_PASSWORD: z
    .string({
      error: 'is required: the admin port shows and changes every job, so it never runs without a password',
    })
    .min(12, { error: 'must be at least 12 characters' }),
  ADMIN_PORT: envInt('must be a TCP port number (0-65535)', { min: 0, max: 65_535 }).default(9_470),
  ADMIN_HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

export interface AdminConfig {
  redisUrl: string;
  keyPrefix: string;
  /** Shards of the updates queue (UPDATE_QUEUE_SHARDS), as gateway and worker use them. */
  queueShards: number;
  username: string;
  password: string;
  port: number;
  host: string;
  logLevel: string;
}

/** The admin server's environment; throws ConfigError (one line per bad variable). */
export function loadAdminConfig(env: Record<string, string | undefined>): AdminConfig {
  const e = parseEnv(adminEnvSchema, env);
  return {
    redisUrl: e.REDIS_URL,
    keyPrefix: e.REDIS_KEY_PREFIX,
    queueShards: e.UPDATE_QUEUE_SHARDS,
    username: e.ADMIN_USERNAME,
    password: e.ADMIN_PASSWORD,
    port: e.ADMIN_PORT,
    host: e.ADMIN_HOST,
    logLevel: e.LOG_LEVEL,
  };
}
