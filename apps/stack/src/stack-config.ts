import { join } from 'node:path';
import { ConfigError, isSecretName } from '@parley/config';
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

// Blank counts as unset, as in @parley/config: compose files and Helm render unset values as "".
const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalText = () => z.preprocess(blankToUndefined, z.string().optional());

const integer = (message: string, min: number, max: number) =>
  z.preprocess(
    (v) => {
      const value = blankToUndefined(v);
      return typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    },
    z
      .number({ error: message })
      .int({ error: message })
      .min(min, { error: message })
      .max(max, { error: message }),
  );

const port = (fallback: number) =>
  integer('must be a TCP port number (0-65535; 0 picks a free one)', 0, 65_535).default(fallback);

const url = (message: string, protocols: string[]) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      }, message)
      .optional(),
  );

const flag = (message: string) =>
  z.preprocess(
    (v) => {
      const value = blankToUndefined(v);
      if (typeof value !== 'string') return value;
      const lowered = value.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(lowered)) return true;
      if (['0', 'false', 'no', 'off'].includes(lowered)) return false;
      return value;
    },
    z.boolean({ error: message }).default(false),
  );

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
      (v) => (typeof blankToUndefined(v) === 'string' ? String(v).trim().toLowerCase() : undefined),
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
  // Defaults only apply to absent keys, so blank variables are dropped before parsing.
  const present = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== '',
    ),
  );
  const parsed = stackEnvSchema.safeParse(present);
  if (!parsed.success) throw toConfigError(parsed.error, env);
  const e = parsed.data;
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

/** One line per bad variable, naming it and what it got (never the value of a secret). */
function toConfigError(error: z.ZodError, env: Record<string, string | undefined>): ConfigError {
  return new ConfigError(
    error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(config)');
      const raw = env[name];
      const got =
        raw === undefined || raw.trim() === ''
          ? 'it is not set'
          : isSecretName(name)
            ? `got a value of ${raw.length} characters`
            : `got ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)}`;
      return `${name} ${issue.message} (${got})`;
    }),
  );
}
