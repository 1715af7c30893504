import { parseArgs } from 'node:util';
import { TOKEN_PATTERN } from './state';

/** Options of the `tg-emulator` command, after validation. */
export interface CliConfig {
  port: number;
  host: string;
  tokens: string[];
  webhookRetryDelayMs?: number;
  webhookTimeoutMs?: number;
  quiet: boolean;
  /** Enforce Telegram's flood limits (429 for sends and edits that come too fast). */
  floodLimits?: boolean;
}

export type CliParseResult =
  | { kind: 'run'; config: CliConfig }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

export const USAGE = `Usage: tg-emulator [options]

Telegram Bot API emulator with a chat page.

Options:
  --port <n>               TCP port (env TG_EMULATOR_PORT; default 8081, 0 = any free port)
  --host <addr>            Interface to listen on (env TG_EMULATOR_HOST; default 127.0.0.1)
  --token <token>          Accepted bot token; repeatable (env TG_EMULATOR_TOKENS, comma separated).
                           Without tokens any well-formed token is accepted.
  --webhook-retry-ms <n>   First delay before re-delivering a failed webhook update (default 1000)
  --webhook-timeout-ms <n> Webhook request timeout (default 60000)
  --flood-limits           Answer sends and edits that come too fast with 429 like Telegram
                           (env TG_EMULATOR_FLOOD_LIMITS=true; default off)
  --quiet                  Do not log webhook failures to stderr
  -h, --help               Show this help`;

/**
 * Parses the command line and the environment (passed in, so this stays free of process
 * globals). Errors are single lines meant for stderr with exit code 2.
 */
export function parseCliArgs(argv: string[], env: Record<string, string | undefined>): CliParseResult {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (err) {
    // parseArgs explains some errors over several lines; the first one says what is wrong.
    const message =
      typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
    return { kind: 'error', message: message.split('\n')[0] ?? message };
  }
  if (values.help) return { kind: 'help', text: USAGE };

  const port = integer(values.port ?? env.TG_EMULATOR_PORT ?? '8081', '--port', 0, 65_535);
  if (typeof port === 'string') return { kind: 'error', message: port };
  const host = values.host ?? env.TG_EMULATOR_HOST ?? '127.0.0.1';
  if (host.trim() === '') return { kind: 'error', message: '--host must not be empty' };

  const tokens =
    values.token && values.token.length > 0
      ? values.token
      : (env.TG_EMULATOR_TOKENS ?? '')
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== '');
  const badToken = tokens.find((t) => !TOKEN_PATTERN.test(t));
  if (badToken !== undefined) {
    return {
      kind: 'error',
      message: `malformed bot token "${badToken}" (expected <digits>:<10+ of A-Za-z0-9_->)`,
    };
  }

  const config: CliConfig = { port, host, tokens, quiet: values.quiet ?? false };
  const floodEnv = env.TG_EMULATOR_FLOOD_LIMITS;
  if (floodEnv !== undefined && floodEnv !== '' && !/^(true|false|1|0)$/i.test(floodEnv))
    return { kind: 'error', message: `TG_EMULATOR_FLOOD_LIMITS must be true or false, got "${floodEnv}"` };
  if (values['flood-limits'] || /^(true|1)$/i.test(floodEnv ?? '')) config.floodLimits = true;
  if (values['webhook-retry-ms'] !== undefined) {
    const retry = integer(values['webhook-retry-ms'], '--webhook-retry-ms', 0, 3_600_000);
    if (typeof retry === 'string') return { kind: 'error', message: retry };
    config.webhookRetryDelayMs = retry;
  }
  if (values['webhook-timeout-ms'] !== undefined) {
    const timeout = integer(values['webhook-timeout-ms'], '--webhook-timeout-ms', 1, 3_600_000);
    if (typeof timeout === 'string') return { kind: 'error', message: timeout };
    config.webhookTimeoutMs = timeout;
  }
  return { kind: 'run', config };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      token: { type: 'string', multiple: true },
      'webhook-retry-ms': { type: 'string' },
      'webhook-timeout-ms': { type: 'string' },
      quiet: { type: 'boolean' },
      'flood-limits': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** The integer value, or a one-line error message. */
function integer(raw: string, name: string, min: number, max: number): number | string {
  if (!/^\d+$/.test(raw.trim())) return `${name} must be an integer, got "${raw}"`;
  const value = Number(raw);
  if (value < min || value > max) return `${name} must be between ${min} and ${max}, got ${value}`;
  return value;
}
