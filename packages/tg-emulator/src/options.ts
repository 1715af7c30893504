import type { FloodLimits } from './flood-control';
import type { BotIdentity } from './state';

/** Pino-compatible logger subset: each method takes an object and/or a message. */
export interface EmulatorLogger {
  info: (...args: unknown[]) => void;
  warn: (...args: unknown[]) => void;
  error: (...args: unknown[]) => void;
}

export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. @defaultValue 0 */
  port?: number;
  /** Interface to listen on. @defaultValue '127.0.0.1' */
  host?: string;
  /**
   * Bot tokens accepted. Empty or undefined: any well-formed token (`<digits>:<10+ of
   * A-Za-z0-9_->`) is accepted and gets a bot identity on first use.
   */
  tokens?: string[];
  /**
   * Username and first name per bot, keyed by token or by bot id (the token's numeric part).
   * Default username `parley_<botId>_bot`, default first name 'Parley'.
   */
  botNames?: Record<string, BotIdentity>;
  /**
   * Delay before re-delivering an update whose webhook delivery failed (non-2xx, timeout,
   * connection error); doubled per failed attempt up to 30 s. @defaultValue 1000
   */
  webhookRetryDelayMs?: number;
  /** How long a webhook request may take before it counts as failed, like Telegram's. @defaultValue 60_000 */
  webhookTimeoutMs?: number;
  /** Logger for webhook failures and startup; silent by default. */
  logger?: EmulatorLogger;
  /**
   * Enforce Telegram's flood limits (429 with `retry_after` for sends and edits that come too
   * fast): `true` for the defaults, or some limits to override. Off by default.
   */
  floodLimits?: boolean | Partial<FloodLimits>;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  tokens: string[];
  botNames: Record<string, BotIdentity>;
  webhookRetryDelayMs: number;
  webhookTimeoutMs: number;
  logger: EmulatorLogger;
  floodLimits: boolean | Partial<FloodLimits>;
}

const noop = () => {};
export const SILENT_LOGGER: EmulatorLogger = { info: noop, warn: noop, error: noop };

export function resolveOptions(opts: EmulatorOptions = {}): ResolvedOptions {
  const retry = opts.webhookRetryDelayMs ?? 1000;
  const timeout = opts.webhookTimeoutMs ?? 60_000;
  if (!Number.isFinite(retry) || retry < 0) throw new Error('tg-emulator: webhookRetryDelayMs must be >= 0');
  if (!Number.isFinite(timeout) || timeout <= 0) throw new Error('tg-emulator: webhookTimeoutMs must be > 0');
  return {
    port: opts.port ?? 0,
    host: opts.host ?? '127.0.0.1',
    tokens: opts.tokens ?? [],
    botNames: opts.botNames ?? {},
    webhookRetryDelayMs: retry,
    webhookTimeoutMs: timeout,
    logger: opts.logger ?? SILENT_LOGGER,
    floodLimits: opts.floodLimits ?? false,
  };
}
