import { z } from 'zod';
import { envEnum, envInt, envString, envUrl } from './env';

/** Variables every Parley process understands. */
export const sharedEnvSchema = {
  REDIS_URL: envUrl('must be a redis:// or rediss:// URL', ['redis:', 'rediss:']).default(
    'redis://127.0.0.1:6379',
  ),
  REDIS_KEY_PREFIX: envString('must be a short name')
    .pipe(
      z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, {
        error: 'must be 1-32 characters of a-z 0-9 _ - (it prefixes every Redis key and queue)',
      }),
    )
    .default('parley'),
  BOT_ID: envString('must be a short name')
    .pipe(
      z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, {
        error: 'must be 1-32 characters of a-z 0-9 _ - (it names the bot in queues, keys and logs)',
      }),
    )
    .default('default'),
  TELEGRAM_API_ROOT: envUrl('must be an http(s) URL of the Bot API server', ['http:', 'https:']).default(
    'https://api.telegram.org',
  ),
  LOG_LEVEL: envEnum(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    'must be one of fatal, error, warn, info, debug, trace, silent',
  ).default('info'),
  SHUTDOWN_GRACE_MS: envInt('must be an integer number of milliseconds between 0 and 600000', {
    min: 0,
    max: 600_000,
  }),
};

export const botTokenSchema = envString('is required: the bot token from @BotFather').pipe(
  z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, {
    error: 'must look like 123456789:AAE… (the token from @BotFather)',
  }),
);

export const webhookSecretSchema = envString(
  'is required: the secret_token given to setWebhook (1-256 characters of A-Z a-z 0-9 _ -)',
).pipe(z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, { error: 'must be 1-256 characters of A-Z a-z 0-9 _ -' }));

export const portSchema = (description: string) => envInt(description, { min: 0, max: 65_535 });
