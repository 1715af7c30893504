import { join } from 'node:path';
import { envBoolean, envInt, envOptionalString, envUrl, parseEnv } from '@parley/config';
import { z } from 'zod';
import { REPO_ROOT } from './paths';

/** How children are watched; not environment variables, but tests shorten them. */
export interface SupervisionSettings {
  /** Wait before restarting a child that exited on its own. */
  restartDelayMs: number;
  /** More restarts than this within a minute stop the whole stack (exit 1). */
  maxRestartsPerMinute: number;
  /** How long stopping children may take before they are killed. */
  stopTimeoutMs: number;
  /** How long the gateway and each worker have to answer /readyz with 200 at startup. */
  readyTimeoutMs: number;
}

export const DEFAULT_SUPERVISION: SupervisionSettings = {
  restartDelayMs: 1_000,
  maxRestartsPerMinute: 5,
  stopTimeoutMs: 15_000,
  readyTimeoutMs: 60_000,
};

export interface StackConfig {
  redisUrl: string;
  /** Where a redis-server started by the stack keeps its append-only file. */
  redisDir: string;
  /** Interface every server of the stack listens on. */
  host: string;
  /** Wanted ports; 0 picks a free one, and a busy one is replaced by a free one. */
  ports: { gateway: number; emulator: number; llmSim: number; workerMetrics: number };
  workers: number;
  /** Run gateway and workers from TypeScript source with tsx instead of their builds. */
  fromSource: boolean;
  telegram: {
    /** A real bot's token; without it the stack starts the Telegram emulator. */
    botToken?: string;
    /** Public HTTPS URL Telegram should call (real bot only); without it the gateway long-polls. */
    webhookUrl?: string;
    webhookSecret?: string;
    webhookPath: string;
    /** A Bot API server other than api.telegram.org, for a real bot. */
    apiRoot?: string;
    ingestMode?: 'webhook' | 'polling';
  };
  llm: { apiKey?: string; baseUrl?: string; model?: string };
  /** Latency of the LLM simulator, when it is used. */
  llmSim: { ttftMs: number; tokensPerSecond: number };
  supervision: SupervisionSettings;
  /** Every variable except STACK_*, handed to the children unchanged (SYSTEM_PROMPT, HISTORY_*, ...). */
  passThrough: Record<string, string>;
}

const BOT_TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;
const WEBHOOK_SECRET = /^[A-Za-z0-9_-]{1,256}$/;

// The same building blocks as the apps' own configuration: blank counts as unset.
const optionalText = () => envOptionalString();

const integer = (message: string, min: number, max: number) => envInt(message, { min, max });

const port = (fallback: number) =>
  integer('must be a TCP port number (0-65535; 0 picks a free one)', 0, 65_535).default(fallback);

const url = (message: string, protocols: string[]) => envUrl(message, protocols).optional();

const flag = (message: string) => envBoolean(message).default(false);

const stackEnvSchema = z
  .object({
    REDIS_URL: url('must be a redis:// or rediss:// URL', ['redis:', 'rediss:']).default(
      'redis://127.0.0.1:6379',
    ),
    STACK_REDIS_DIR: optionalText(),
    STACK_HOST: optionalText().default('127.0.0.1'),
    STACK_GATEWAY_PORT: port(8080),
    STACK_EMULATOR_PORT: port(8081),
    STACK_LLM_SIM_PORT: port(8082),
    STACK_WORKER_METRICS_PORT: port(9464),
    STACK_WORKERS: integer('must be a number of worker processes between 1 and 32', 1, 32).default(1),
    STACK_FROM_SOURCE: flag('must be 1 or 0 (true or false)'),
    STACK_LLM_SIM_TTFT_MS: integer('must be milliseconds between 0 and 600000', 0, 600_000).default(300),
    STACK_LLM_SIM_TOKENS_PER_SECOND: integer(
      'must be a whole number of tokens per second between 0 (instant) and 100000',
      0,
      100_000,
    ).default(60),
    TELEGRAM_BOT_TOKEN: optionalText().pipe(
      z
        .string()
        .regex(BOT_TOKEN, { error: 'must look like 123456789:AAE… (the token from @BotFather)' })
        .optional(),
    ),
    TELEGRAM_WEBHOOK_URL: url(
      'must be the public https:// URL that reaches the gateway (Telegram only calls HTTPS webhooks)',
      ['https:'],
    ),
    TELEGRAM_WEBHOOK_SECRET: optionalText().pipe(
      z.string().regex(WEBHOOK_SECRET, { error: 'must be 1-256 characters of A-Z a-z 0-9 _ -' }).optional(),
    ),
    TELEGRAM_WEBHOOK_PATH: optionalText()
      .pipe(
        z
          .string()
          .regex(/^\/[A-Za-z0-9/_-]*$/, { error: 'must be a URL path starting with /' })
          .optional(),
      )
      .default('/telegram/webhook'),
    TELEGRAM_API_ROOT: url('must be an http(s) URL of the Bot API server', ['http:', 'https:']),
    INGEST_MODE: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() !== '' ? String(v).trim().toLowerCase() : undefined),
      z.enum(['webhook', 'polling'], { error: 'must be "webhook" or "polling"' }).optional(),
    ),
    OPENAI_API_KEY: optionalText(),
    OPENAI_BASE_URL: url(
      'must be the http(s) base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1',
      ['http:', 'https:'],
    ),
    LLM_MODEL: optionalText(),
  })
  .superRefine((env, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!env.TELEGRAM_BOT_TOKEN) {
      if (env.TELEGRAM_WEBHOOK_URL) {
        issue(
          'TELEGRAM_WEBHOOK_URL',
          'needs TELEGRAM_BOT_TOKEN: without a real bot the stack uses the Telegram emulator',
        );
      }
      return;
    }
    if (env.INGEST_MODE === 'webhook' && !env.TELEGRAM_WEBHOOK_URL) {
      issue('TELEGRAM_WEBHOOK_URL', 'is required with INGEST_MODE=webhook and a real TELEGRAM_BOT_TOKEN');
    }
    if (env.INGEST_MODE === 'polling' && env.TELEGRAM_WEBHOOK_URL) {
      issue('INGEST_MODE', 'is "polling" but TELEGRAM_WEBHOOK_URL is set; keep one of them');
    }
  });

/**
 * Reads the stack's variables and keeps every other one for the children.
 * Throws ConfigError with one `invalid configuration: NAME ...` line per bad variable.
 */
export function loadStackConfig(
  env: Record<string, string | undefined>,
  supervision: Partial<SupervisionSettings> = {},
): StackConfig {
  const e = parseEnv(stackEnvSchema, env);
  const passThrough: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !name.startsWith('STACK_')) passThrough[name] = value;
  }
  return {
    redisUrl: e.REDIS_URL,
    redisDir: e.STACK_REDIS_DIR ?? join(REPO_ROOT, '.parley', 'redis'),
    host: e.STACK_HOST,
    ports: {
      gateway: e.STACK_GATEWAY_PORT,
      emulator: e.STACK_EMULATOR_PORT,
      llmSim: e.STACK_LLM_SIM_PORT,
      workerMetrics: e.STACK_WORKER_METRICS_PORT,
    },
    workers: e.STACK_WORKERS,
    fromSource: e.STACK_FROM_SOURCE,
    telegram: {
      botToken: e.TELEGRAM_BOT_TOKEN,
      webhookUrl: e.TELEGRAM_WEBHOOK_URL,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
      webhookPath: e.TELEGRAM_WEBHOOK_PATH,
      apiRoot: e.TELEGRAM_API_ROOT,
      ingestMode: e.INGEST_MODE,
    },
    llm: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, model: e.LLM_MODEL },
    llmSim: { ttftMs: e.STACK_LLM_SIM_TTFT_MS, tokensPerSecond: e.STACK_LLM_SIM_TOKENS_PER_SECOND },
    supervision: { ...DEFAULT_SUPERVISION, ...supervision },
    passThrough,
  };
}
