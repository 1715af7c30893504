import { parseArgs } from 'node:util';

/** Everything a chaos run can be told. Durations are in milliseconds unless the name says so. */
export interface ChaosOptions {
  /** User messages to send. */
  updates: number;
  /** Private chats they are spread over (chat ids 10_000_000 + i). */
  chats: number;
  /** Worker processes. */
  workers: number;
  /** The whole run (start, load, drain) stops after this many seconds. */
  durationLimitS: number;
  /** Seeds the message plan, the fault timing and the simulator's fault dice. */
  seed: number;
  /** `POST /_emulator/messages` in flight at most. */
  concurrency: number;
  /** Share of a chat's turns that are bursts of 2–3 messages sent back to back. */
  burstShare: number;
  /** Pause of a chat between two turns, drawn from [min, max]. */
  turnGapMs: [number, number];
  /** After the load, stop waiting when no new bot message arrived for this many seconds. */
  quietTimeoutS: number;
  /** Share of updates the emulator delivers a second time, shortly after the first. */
  redeliverRate: number;
  /** SIGKILL a random worker every [min, max] ms; undefined: never. */
  killEveryMs: [number, number] | undefined;
  /** At most this many worker kills in the run. */
  maxWorkerKills: number;
  /** A killed worker is started again after this long. */
  workerRestartDelayMs: number;
  /** SIGKILL + restart of redis-server (spread over the load). */
  redisRestarts: number;
  /** How long Redis stays down on each restart. */
  redisDownMs: number;
  /** The simulator answers 500/502/503 with this probability during the load. */
  llmErrorRate: number;
  /** Bursts of 50 LLM 429s (retry-after 1 s), spread over the load. */
  llm429Bursts: number;
  /** Bursts of 30 Telegram sendMessage 429s (retry_after 1), spread over the load. */
  telegram429Bursts: number;
  /** Keep the temporary directory (logs, Redis data) even when the run passed. */
  keep: boolean;
  /** Write the result as JSON here. */
  jsonFile: string | undefined;
}

export const DEFAULT_OPTIONS: ChaosOptions = {
  updates: 20_000,
  chats: 2_000,
  workers: 3,
  durationLimitS: 600,
  seed: 1,
  concurrency: 64,
  burstShare: 0.3,
  turnGapMs: [500, 3_000],
  quietTimeoutS: 60,
  redeliverRate: 0.05,
  killEveryMs: [3_000, 5_000],
  maxWorkerKills: 1_000_000,
  workerRestartDelayMs: 500,
  redisRestarts: 1,
  redisDownMs: 1_000,
  llmErrorRate: 0.2,
  llm429Bursts: 3,
  telegram429Bursts: 3,
  keep: false,
  jsonFile: undefined,
};

/** The emulator keeps 5k messages per chat (the user's and the bot's). */
export const MAX_UPDATES_PER_CHAT = 2_000;

export const USAGE = `Usage: chaos [options]

Runs Redis (AOF, appendfsync always), the Telegram emulator, the LLM simulator, one gateway and N
workers on loopback, drives messages through the emulator while injecting faults, then checks
that every message got exactly one answer, in order, per chat. Exit 0 only when it did.

Load:
  --updates N            user messages to send (default 20000)
  --chats N              private chats to spread them over (default 2000, or updates/10 if fewer)
  --workers N            worker processes (default 3)
  --concurrency N        emulator POSTs in flight (default 64)
  --burst-share P        share of turns that are 2-3 messages back to back (default 0.3)
  --turn-gap A-B         seconds a chat pauses between turns (default 0.5-3)
  --seed N               seeds the plan and the fault timing (default 1)
Faults (all on by default):
  --redeliver-rate P     share of updates re-delivered by the emulator (default 0.05)
  --kill-every A-B       SIGKILL a random worker every A-B seconds, or "off" (default 3-5)
  --worker-kills N       at most N worker kills (default unlimited)
  --redis-restarts N     SIGKILL + restart redis-server N times (default 1)
  --llm-error-rate P     simulator 5xx probability during the load (default 0.2)
  --llm-429-bursts N     3-second bursts of LLM 429s (default 3)
  --tg-429-bursts N      bursts of 30 Telegram sendMessage 429s (default 3)
  --no-faults            all of the above off
Limits and output:
  --duration-limit S     the whole run stops after S seconds (default 600)
  --quiet-timeout S      stop waiting for replies after S seconds without one (default 60)
  --keep                 keep the temporary directory (logs, Redis data) after a passing run
  --json FILE            write the result as JSON
  -h, --help             show this help

Environment variables that are set are passed to the gateway and the workers (e.g.
COALESCE_WINDOW_MS); the ones the run sets itself (REDIS_URL, TELEGRAM_*, OPENAI_BASE_URL, ...) win.`;

export type CliResult =
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string }
  | { kind: 'run'; options: ChaosOptions };

class UsageError extends Error {}

function integer(flag: string, raw: string | undefined, min: number, max: number, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

function probability(flag: string, raw: string | undefined, max: number, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > max) {
    throw new UsageError(`--${flag} must be a number from 0 to ${max} (got "${raw}")`);
  }
  return value;
}

/** "3-5" or "4" seconds → [ms, ms]; "off" or "0" → undefined. */
function secondsRange(
  flag: string,
  raw: string | undefined,
  fallback: [number, number] | undefined,
  allowOff: boolean,
): [number, number] | undefined {
  if (raw === undefined) return fallback;
  const text = raw.trim().toLowerCase();
  if (allowOff && (text === 'off' || text === '0')) return undefined;
  const match = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(text);
  const min = Number(match?.[1]);
  const max = match?.[2] === undefined ? min : Number(match[2]);
  if (!match || min < 0.1 || max < min || max > 600) {
    throw new UsageError(
      `--${flag} must be seconds like 3-5 (0.1 to 600)${allowOff ? ' or "off"' : ''} (got "${raw}")`,
    );
  }
  return [Math.round(min * 1000), Math.round(max * 1000)];
}

/** Pure: argv (without node and the script) in, options or a usage message out. */
export function parseCliArgs(argv: readonly string[]): CliResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      // pnpm passes a literal "--" through to the script.
      args: argv.filter((arg) => arg !== '--'),
      strict: true,
      allowPositionals: false,
      options: {
        updates: { type: 'string' },
        chats: { type: 'string' },
        workers: { type: 'string' },
        concurrency: { type: 'string' },
        'burst-share': { type: 'string' },
        'turn-gap': { type: 'string' },
        seed: { type: 'string' },
        'redeliver-rate': { type: 'string' },
        'kill-every': { type: 'string' },
        'worker-kills': { type: 'string' },
        'redis-restarts': { type: 'string' },
        'llm-error-rate': { type: 'string' },
        'llm-429-bursts': { type: 'string' },
        'tg-429-bursts': { type: 'string' },
        'no-faults': { type: 'boolean' },
        'duration-limit': { type: 'string' },
        'quiet-timeout': { type: 'string' },
        keep: { type: 'boolean' },
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return { kind: 'error', message: (err as Error).message };
  }
  if (values.help) return { kind: 'help', text: USAGE };
  const str = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  try {
    const d = DEFAULT_OPTIONS;
    const noFaults = values['no-faults'] === true;
    const faultDefault = <T>(on: T, off: T): T => (noFaults ? off : on);
    const updates = integer('updates', str('updates'), 1, 200_000, d.updates);
    // Without --chats: about 10 messages per chat, at most the default number of chats.
    const chats = integer('chats', str('chats'), 1, 100_000, Math.min(d.chats, Math.ceil(updates / 10)));
    if (chats > updates) throw new UsageError(`--chats (${chats}) must not exceed --updates (${updates})`);
    if (Math.ceil(updates / chats) > MAX_UPDATES_PER_CHAT) {
      throw new UsageError(
        `at most ${MAX_UPDATES_PER_CHAT} updates per chat (the emulator keeps 5000 messages per chat): raise --chats`,
      );
    }
    const jsonFile = str('json');
    const options: ChaosOptions = {
      updates,
      chats,
      workers: integer('workers', str('workers'), 1, 16, d.workers),
      concurrency: integer('concurrency', str('concurrency'), 1, 512, d.concurrency),
      burstShare: probability('burst-share', str('burst-share'), 1, d.burstShare),
      turnGapMs: secondsRange('turn-gap', str('turn-gap'), d.turnGapMs, false) ?? d.turnGapMs,
      seed: integer('seed', str('seed'), 0, 2 ** 31 - 1, d.seed),
      redeliverRate: probability(
        'redeliver-rate',
        str('redeliver-rate'),
        1,
        faultDefault(d.redeliverRate, 0),
      ),
      killEveryMs: secondsRange(
        'kill-every',
        str('kill-every'),
        faultDefault(d.killEveryMs, undefined),
        true,
      ),
      maxWorkerKills: integer('worker-kills', str('worker-kills'), 0, 1_000_000, d.maxWorkerKills),
      workerRestartDelayMs: d.workerRestartDelayMs,
      redisRestarts: integer(
        'redis-restarts',
        str('redis-restarts'),
        0,
        10,
        faultDefault(d.redisRestarts, 0),
      ),
      redisDownMs: d.redisDownMs,
      llmErrorRate: probability(
        'llm-error-rate',
        str('llm-error-rate'),
        0.9,
        faultDefault(d.llmErrorRate, 0),
      ),
      llm429Bursts: integer('llm-429-bursts', str('llm-429-bursts'), 0, 20, faultDefault(d.llm429Bursts, 0)),
      telegram429Bursts: integer(
        'tg-429-bursts',
        str('tg-429-bursts'),
        0,
        20,
        faultDefault(d.telegram429Bursts, 0),
      ),
      durationLimitS: integer('duration-limit', str('duration-limit'), 10, 3_600, d.durationLimitS),
      quietTimeoutS: integer('quiet-timeout', str('quiet-timeout'), 1, 600, d.quietTimeoutS),
      keep: values.keep === true,
      jsonFile: jsonFile === undefined || jsonFile === '' ? undefined : jsonFile,
    };
    return { kind: 'run', options };
  } catch (err) {
    if (err instanceof UsageError) return { kind: 'error', message: err.message };
    throw err;
  }
}
