import { pinoRedaction } from '@parley/privacy';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Component name, logged as `service`. */
  name: string;
  /** @defaultValue "info" */
  level?: string;
  /**
   * Log the text of users' messages and of answers (and users' names). Off by default: message
   * text is personal data and stays out of logs unless an operator turns this on to debug. Even
   * then secrets and PII inside it are replaced by labels like `[email]`.
   */
  logMessageText?: boolean;
  /** Where to write; stdout by default (tests pass a stream to capture). */
  destination?: pino.DestinationStream;
}

/**
 * A JSON logger that never writes tokens, secrets, API keys, e-mail addresses, phone numbers,
 * card numbers, IBANs or IP addresses, in any field at any depth, in messages, errors or child
 * bindings, nor message text unless asked (see @parley/privacy's `redactLogValue`).
 */
export function createLogger(opts: LoggerOptions): Logger {
  const redaction = pinoRedaction({ logMessageText: opts.logMessageText ?? false });
  return pino(
    {
      name: opts.name,
      level: opts.level ?? 'info',
      base: { service: opts.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...redaction,
    },
    opts.destination,
  );
}
