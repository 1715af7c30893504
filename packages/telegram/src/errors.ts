import { GrammyError, HttpError } from 'grammy';
import { OutboundPausedError } from './outbound/paused-error';

export type TelegramFailure =
  | { kind: 'rate_limited'; retryAfterSeconds: number; description: string }
  /** The markup of the text could not be parsed: resend as plain text. */
  | { kind: 'cannot_parse_entities'; description: string }
  /** Bot blocked, kicked, chat deleted or deactivated: never retried. */
  | { kind: 'forbidden'; description: string }
  | { kind: 'bad_request'; description: string }
  | { kind: 'server_error'; description: string }
  | { kind: 'network'; description: string };

/** Maps an error from grammY's client to what the worker should do about it. */
export function classifyTelegramError(err: unknown): TelegramFailure | undefined {
  // Held back by the shared limiter before reaching Telegram: the same remedy as a 429.
  if (err instanceof OutboundPausedError) {
    return {
      kind: 'rate_limited',
      retryAfterSeconds: Math.ceil(err.retryAfterMs / 1_000),
      description: err.message,
    };
  }
  if (err instanceof GrammyError) {
    const description = err.description;
    if (err.error_code === 429) {
      return { kind: 'rate_limited', retryAfterSeconds: err.parameters.retry_after ?? 1, description };
    }
    if (err.error_code === 403) return { kind: 'forbidden', description };
    if (err.error_code === 400 && /can't parse entities/i.test(description)) {
      return { kind: 'cannot_parse_entities', description };
    }
    if (err.error_code >= 500) return { kind: 'server_error', description };
    return { kind: 'bad_request', description };
  }
  if (err instanceof HttpError) return { kind: 'network', description: err.message };
  return undefined;
}
