import pino, { type Logger } from 'pino';
import { scrubSecrets } from './scrub';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Component name, logged as `service`. */
  name: string;
  /** @defaultValue "info" */
  level?: string;
  /**
   * Log the text of users' messages and of answers. Off by default: message text is personal
   * data and stays out of logs unless an operator turns this on to debug.
   */
  logMessageText?: boolean;
  /** Where to write; stdout by default (tests pass a stream to capture). */
  destination?: pino.DestinationStream;
}

const SECRET_PATHS = [
  'token',
  'botToken',
  'secret',
  'secretToken',
  'apiKey',
  'password',
  'authorization',
  '*.token',
  '*.botToken',
  '*.secret',
  '*.secretToken',
  '*.apiKey',
  '*.password',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'headers["x-telegram-bot-api-secret-token"]',
];

const TEXT_PATHS = [
  'text',
  'prompt',
  'answer',
  '*.text',
  '*.prompt',
  '*.answer',
  'update.message.text',
  'messages',
];

/** A JSON logger that never writes tokens, secrets or API keys, nor message text unless asked. */
export function createLogger(opts: LoggerOptions): Logger {
  const paths = opts.logMessageText ? SECRET_PATHS : [...SECRET_PATHS, ...TEXT_PATHS];
  return pino(
    {
      name: opts.name,
      level: opts.level ?? 'info',
      base: { service: opts.name },
      redact: { paths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: {
        err: (err: unknown) => {
          const serialized = pino.stdSerializers.err(err as Error);
          if (serialized.message) serialized.message = scrubSecrets(serialized.message);
          if (serialized.stack) serialized.stack = scrubSecrets(serialized.stack);
          return serialized;
        },
      },
      hooks: {
        // Free-text messages can carry URLs with tokens in them.
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<
            typeof method
          >;
          method.apply(this, scrubbed);
        },
      },
    },
    opts.destination,
  );
}
