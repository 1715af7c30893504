import { type DetectOptions, detectPii, replaceMatches } from './detect';
import type { PiiKind } from './kinds';

/** What a match becomes in logs: says what was there, never any part of it. */
const LOG_LABEL: Record<PiiKind, string> = {
  url_credentials: '[redacted]',
  bot_token: '[bot-token]',
  api_key: '[api-key]',
  bearer_token: '[redacted]',
  secret_assignment: '[redacted]',
  card: '[card]',
  iban: '[iban]',
  email: '[email]',
  ip: '[ip]',
  phone: '[phone]',
};

/**
 * `text` with every secret and piece of personal data replaced by a label like `[email]`
 * (only the given kinds when `kinds` is passed).
 */
export function redactText(text: string, opts: DetectOptions = {}): string {
  const matches = detectPii(text, opts);
  return matches.length === 0 ? text : replaceMatches(text, matches, (m) => LOG_LABEL[m.kind]);
}

export const REDACTED = '[redacted]';

/** Fields whose value is a credential, whatever it looks like (compared case-insensitively). */
export const SECRET_FIELDS: readonly string[] = [
  'token',
  'bottoken',
  'secret',
  'secrettoken',
  'apikey',
  'api_key',
  'password',
  'authorization',
  'cookie',
  'set-cookie',
  'x-telegram-bot-api-secret-token',
  'x-api-key',
];

/**
 * Fields holding what users wrote or were answered, and who they are: kept out of logs unless
 * `logMessageText` is on (and even then scrubbed of secrets and PII like every string).
 */
export const MESSAGE_FIELDS: readonly string[] = [
  'text',
  'caption',
  'prompt',
  'answer',
  'content',
  'messages',
  'first_name',
  'last_name',
  'username',
  'phone_number',
];

export interface LogRedactionOptions {
  /** Keep message text (still scrubbed of secrets and PII). @defaultValue false */
  logMessageText?: boolean;
  /** Deeper values are replaced by '[depth]'. @defaultValue 8 */
  maxDepth?: number;
}

/**
 * Returns a redacted copy of a log record (the caller's objects are never modified): secret
 * fields become '[redacted]', message fields too unless `logMessageText`, and every other string
 * at any depth, in arrays, in Error messages and stacks, is scrubbed with `redactText`. Errors
 * stay Errors (same prototype) so pino's error serializer still recognises them.
 */
export function redactLogValue(value: unknown, opts: LogRedactionOptions = {}): unknown {
  const secret = new Set(SECRET_FIELDS);
  const message = new Set(opts.logMessageText ? [] : MESSAGE_FIELDS);
  const maxDepth = opts.maxDepth ?? 8;
  const seen = new WeakMap<object, unknown>();

  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactText(v);
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v)) return seen.get(v);
    if (depth >= maxDepth) return '[depth]';
    if (Buffer.isBuffer(v) || ArrayBuffer.isView(v))
      return `[${v.constructor.name} ${(v as ArrayBufferView).byteLength} bytes]`;
    if (v instanceof Date || v instanceof RegExp) return v;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      seen.set(v, out);
      for (const item of v) out.push(walk(item, depth + 1));
      return out;
    }
    let out: Record<string, unknown>;
    if (v instanceof Error) {
      const copy = Object.create(Object.getPrototypeOf(v)) as Error & Record<string, unknown>;
      seen.set(v, copy);
      copy.message = redactText(v.message);
      if (v.stack !== undefined) copy.stack = redactText(v.stack);
      if (v.name !== Object.getPrototypeOf(v)?.name) copy.name = v.name;
      if ('cause' in v) copy.cause = walk(v.cause, depth + 1);
      out = copy;
    } else if (v instanceof Map) {
      return walk(Object.fromEntries(v), depth);
    } else if (v instanceof Set) {
      return walk([...v], depth);
    } else {
      out = {};
      seen.set(v, out);
    }
    for (const [key, field] of Object.entries(v)) {
      const lower = key.toLowerCase();
      if (secret.has(lower)) out[key] = field === undefined || field === null ? field : REDACTED;
      else if (message.has(lower)) out[key] = field === undefined || field === null ? field : REDACTED;
      else out[key] = walk(field, depth + 1);
    }
    return out;
  };
  return walk(value, 0);
}

/**
 * The pieces of pino options that apply `redactLogValue` to every record, every child logger's
 * bindings and every message string. Merge them into the options of `pino(...)`.
 */
export function pinoRedaction(opts: LogRedactionOptions = {}) {
  return {
    // pino serialises a child's bindings once, at `child()`, into a JSON fragment that no
    // formatter sees afterwards: redact that fragment (pino's public `onChild` hook).
    onChild(child: object) {
      const key = Object.getOwnPropertySymbols(child).find((s) => s.description === 'pino.chindings');
      const fragment = key && (child as Record<symbol, unknown>)[key];
      if (!key || typeof fragment !== 'string' || fragment === '') return;
      try {
        const bindings = JSON.parse(`{${fragment.slice(1)}}`) as Record<string, unknown>;
        const redacted = JSON.stringify(redactLogValue(bindings, opts));
        (child as Record<symbol, unknown>)[key] = redacted === '{}' ? '' : `,${redacted.slice(1, -1)}`;
      } catch {
        (child as Record<symbol, unknown>)[key] = redactText(fragment);
      }
    },
    formatters: {
      log: (record: Record<string, unknown>) => redactLogValue(record, opts) as Record<string, unknown>,
      bindings: (bindings: Record<string, unknown>) =>
        redactLogValue(bindings, opts) as Record<string, unknown>,
    },
    hooks: {
      // Message strings (`log.info('calling https://…/bot<token>/getMe')`) are not part of the record.
      logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? redactText(a) : a)),
        );
      },
    },
  };
}
