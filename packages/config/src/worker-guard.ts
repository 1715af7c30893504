import { z } from 'zod';
import { envBoolean, envEnum, envInt, envOptionalString } from './env';

/**
 * The worker's access, limits, safety and privacy variables: who may use the bot, how much, and
 * what is checked between the user, the LLM and Telegram. Kept apart from the rest of the worker's
 * schema so it can grow without touching the other blocks.
 */
export const guardEnvSchema = {
  ALLOWED_USERS: envOptionalString(),
  ADMIN_USER_IDS: envOptionalString(),
  USER_RATE_PER_MINUTE: envInt('must be an integer between 0 and 10000 (0 turns the rate limit off)', {
    min: 0,
    max: 10_000,
  }).default(10),
  USER_TOKENS_PER_DAY: envInt('must be an integer of tokens, 0 or more (0 = no daily limit)', {
    min: 0,
  }).default(0),
  USER_TOKENS_PER_MONTH: envInt('must be an integer of tokens, 0 or more (0 = no monthly limit)', {
    min: 0,
  }).default(0),
  PROVIDER_REQUESTS_PER_MINUTE: envInt('must be an integer, 0 or more (0 = no request limit)', {
    min: 0,
  }).default(0),
  PROVIDER_TOKENS_PER_MINUTE: envInt('must be an integer, 0 or more (0 = no token limit)', {
    min: 0,
  }).default(0),
  PROVIDER_NAME: z
    .preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().regex(/^[a-z0-9_-]{1,32}$/, { error: 'must be 1-32 of a-z 0-9 _ -' }),
    )
    .default('default'),
  PROVIDER_MAX_WAIT_MS: envInt('must be milliseconds between 0 and 60000', { min: 0, max: 60_000 }).default(
    5_000,
  ),
  REFUSAL_NOTICE_INTERVAL_MS: envInt('must be milliseconds between 1000 and 86400000', {
    min: 1_000,
    max: 86_400_000,
  }).default(600_000),
  INPUT_MAX_CHARS: envInt('must be an integer between 1 and 100000', { min: 1, max: 100_000 }).default(4_000),
  INJECTION_POLICY: envEnum(['off', 'warn', 'block'], 'must be off, warn or block').default('warn'),
  CANARY_ENABLED: envBoolean('must be true or false').default(true),
  CANARY_SECRET: envOptionalString(),
  PII_MASK_PROMPTS: envBoolean('must be true or false').default(false),
  PII_RESTORE: envEnum(['all', 'none'], 'must be all or none').default('all'),
};

type GuardEnv = z.output<z.ZodObject<typeof guardEnvSchema>>;

export interface GuardSettings {
  /** Numeric user ids and lower-case usernames (without `@`) allowed; undefined = everyone. */
  allowlist?: { ids: number[]; usernames: string[] };
  adminIds: number[];
  /** Messages per minute per user; 0 = no limit. */
  ratePerMinute: number;
  tokensPerDay: number;
  tokensPerMonth: number;
  /** The provider account's shared limits; undefined when neither is set. */
  provider?: { name: string; requestsPerMinute: number; tokensPerMinute: number; maxWaitMs: number };
  noticeIntervalMs: number;
  inputMaxChars: number;
  injectionPolicy: 'off' | 'warn' | 'block';
  /** Secret the canary is derived from (CANARY_SECRET, else the bot token); undefined = off. */
  canarySecret?: string;
  piiMaskPrompts: boolean;
  piiRestore: 'all' | 'none';
}

/** A limit given as 0 means "none"; the provider budget then books against a ceiling never reached. */
const UNLIMITED = 1_000_000_000;

export function guardSettings(e: GuardEnv, botToken: string): GuardSettings {
  const allowed = list(e.ALLOWED_USERS);
  return {
    allowlist:
      allowed.length > 0
        ? {
            ids: allowed.filter((v) => /^-?\d+$/.test(v)).map(Number),
            usernames: allowed
              .filter((v) => !/^-?\d+$/.test(v))
              .map((v) => v.replace(/^@/, '').toLowerCase()),
          }
        : undefined,
    adminIds: list(e.ADMIN_USER_IDS).map(Number),
    ratePerMinute: e.USER_RATE_PER_MINUTE,
    tokensPerDay: e.USER_TOKENS_PER_DAY,
    tokensPerMonth: e.USER_TOKENS_PER_MONTH,
    provider:
      e.PROVIDER_REQUESTS_PER_MINUTE > 0 || e.PROVIDER_TOKENS_PER_MINUTE > 0
        ? {
            name: e.PROVIDER_NAME,
            requestsPerMinute: e.PROVIDER_REQUESTS_PER_MINUTE || UNLIMITED,
            tokensPerMinute: e.PROVIDER_TOKENS_PER_MINUTE || UNLIMITED,
            maxWaitMs: e.PROVIDER_MAX_WAIT_MS,
          }
        : undefined,
    noticeIntervalMs: e.REFUSAL_NOTICE_INTERVAL_MS,
    inputMaxChars: e.INPUT_MAX_CHARS,
    injectionPolicy: e.INJECTION_POLICY,
    canarySecret: e.CANARY_ENABLED ? (e.CANARY_SECRET ?? botToken) : undefined,
    piiMaskPrompts: e.PII_MASK_PROMPTS,
    piiRestore: e.PII_RESTORE,
  };
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/** Problems of the list variables, one line each (zod checks the rest). */
export function guardProblems(e: GuardEnv): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (list(e.ALLOWED_USERS).some((v) => !/^(-?\d+|@?[A-Za-z0-9_]{3,32})$/.test(v)))
    problems.push({
      path: 'ALLOWED_USERS',
      message: 'must be a comma-separated list of numeric user ids and @usernames',
    });
  if (list(e.ADMIN_USER_IDS).some((v) => !/^\d+$/.test(v)))
    problems.push({ path: 'ADMIN_USER_IDS', message: 'must be a comma-separated list of numeric user ids' });
  // deriveCanary needs 16 characters; the value itself is never echoed.
  if (e.CANARY_SECRET !== undefined && e.CANARY_SECRET.length < 16)
    problems.push({ path: 'CANARY_SECRET', message: 'must be at least 16 characters' });
  return problems;
}
