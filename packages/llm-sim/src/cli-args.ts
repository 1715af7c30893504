import { parseArgs } from 'node:util';
import type { LlmSimOptions } from './options';

/**
 * Turns command-line flags (with `LLM_SIM_*` environment fallbacks) into simulator options.
 * Pure: the caller passes argv and env, which keeps this testable and `cli.ts` the only reader of
 * the process state.
 */

/** A bad flag or value; the CLI prints the message and exits with code 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

export const USAGE = `Usage: llm-sim [options]

Options (environment fallback in brackets):
  --port N                 TCP port, 0 = any free one [LLM_SIM_PORT] (default 8082)
  --host H                 interface to bind [LLM_SIM_HOST] (default 127.0.0.1)
  --model ID               served model, repeatable [LLM_SIM_MODELS, comma-separated] (default parley-sim-1)
  --vision-model P         model name or * pattern that sees images, repeatable [LLM_SIM_VISION_MODELS, comma-separated] (default: every model)
  --api-key K              require "Authorization: Bearer K" [LLM_SIM_API_KEY]
  --ttft-ms N              time to first token [LLM_SIM_TTFT_MS] (default 200)
  --tokens-per-second N    per request; 0 or Infinity = instant [LLM_SIM_TOKENS_PER_SECOND] (default 100)
  --capacity N             sequences generating at once [LLM_SIM_CAPACITY] (default 16)
  --max-queue N            waiting sequences before 429 [LLM_SIM_MAX_QUEUE] (default 1024)
  --error-rate P           probability of 500/502/503 [LLM_SIM_ERROR_RATE] (default 0)
  --rate-limit-rate P      probability of 429 [LLM_SIM_RATE_LIMIT_RATE] (default 0)
  --timeout-rate P         probability of never answering [LLM_SIM_TIMEOUT_RATE] (default 0)
  --seed N                 seed for the fault probabilities [LLM_SIM_SEED]
  --leak-system-prompt     reveal the system prompt when asked, like a weak model [LLM_SIM_LEAK_SYSTEM_PROMPT=true]
  --embedding-dimensions N default embedding length [LLM_SIM_EMBEDDING_DIMENSIONS] (default 256)
  -h, --help               show this help
`;

/** Port the CLI listens on when none is given; the library default is 0 (any free port). */
export const CLI_DEFAULT_PORT = 8082;

export type CliResult = { help: true } | { help: false; options: LlmSimOptions };

type NumberKind = 'port' | 'int' | 'nonNegative' | 'rate' | 'rateOrInfinity';

function toNumber(flag: string, raw: string, kind: NumberKind): number {
  const text = raw.trim();
  if (kind === 'rateOrInfinity' && /^(inf|infinity)$/i.test(text)) return Number.POSITIVE_INFINITY;
  const value = Number(text);
  const fail = (expected: string) => new CliUsageError(`invalid --${flag} "${raw}": expected ${expected}`);
  if (text === '' || !Number.isFinite(value)) throw fail('a number');
  switch (kind) {
    case 'port':
      if (!Number.isInteger(value) || value < 0 || value > 65_535) throw fail('an integer 0..65535');
      break;
    case 'int':
      if (!Number.isInteger(value)) throw fail('an integer');
      break;
    case 'rate':
      if (value < 0 || value > 1) throw fail('a probability between 0 and 1');
      break;
    case 'nonNegative':
    case 'rateOrInfinity':
      if (value < 0) throw fail('a number >= 0');
      break;
  }
  return value;
}

const NUMERIC_FLAGS = [
  ['port', 'LLM_SIM_PORT', 'port', 'port'],
  ['ttft-ms', 'LLM_SIM_TTFT_MS', 'ttftMs', 'nonNegative'],
  ['tokens-per-second', 'LLM_SIM_TOKENS_PER_SECOND', 'tokensPerSecond', 'rateOrInfinity'],
  ['capacity', 'LLM_SIM_CAPACITY', 'capacity', 'int'],
  ['max-queue', 'LLM_SIM_MAX_QUEUE', 'maxQueue', 'int'],
  ['error-rate', 'LLM_SIM_ERROR_RATE', 'errorRate', 'rate'],
  ['rate-limit-rate', 'LLM_SIM_RATE_LIMIT_RATE', 'rateLimitRate', 'rate'],
  ['timeout-rate', 'LLM_SIM_TIMEOUT_RATE', 'timeoutRate', 'rate'],
  ['seed', 'LLM_SIM_SEED', 'seed', 'int'],
  ['embedding-dimensions', 'LLM_SIM_EMBEDDING_DIMENSIONS', 'embeddingDimensions', 'int'],
] as const;

export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliResult {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        host: { type: 'string' },
        model: { type: 'string', multiple: true },
        'vision-model': { type: 'string', multiple: true },
        'api-key': { type: 'string' },
        'leak-system-prompt': { type: 'boolean' },
        ...Object.fromEntries(NUMERIC_FLAGS.map(([flag]) => [flag, { type: 'string' as const }])),
      },
    }));
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  if (values.help === true) return { help: true };

  const options: LlmSimOptions = { port: CLI_DEFAULT_PORT };
  const numeric: Record<string, number> = {};
  for (const [flag, envName, key, kind] of NUMERIC_FLAGS) {
    const fromFlag = values[flag];
    const raw = typeof fromFlag === 'string' ? fromFlag : env[envName];
    if (raw === undefined || raw === '') continue;
    numeric[key] = toNumber(flag, raw, kind);
  }
  Object.assign(options, numeric);
  if (options.capacity !== undefined && options.capacity < 1)
    throw new CliUsageError('invalid --capacity: expected >= 1');
  if (options.maxQueue !== undefined && options.maxQueue < 0)
    throw new CliUsageError('invalid --max-queue: expected >= 0');
  if (options.embeddingDimensions !== undefined && options.embeddingDimensions < 1) {
    throw new CliUsageError('invalid --embedding-dimensions: expected >= 1');
  }

  const host = typeof values.host === 'string' ? values.host : env.LLM_SIM_HOST;
  if (host !== undefined && host !== '') options.host = host;
  const models = Array.isArray(values.model)
    ? values.model
    : (env.LLM_SIM_MODELS ?? '')
        .split(',')
        .map((m) => m.trim())
        .filter((m) => m !== '');
  if (models.some((m) => m.trim() === ''))
    throw new CliUsageError('invalid --model: expected a non-empty id');
  if (models.length > 0) options.models = models;
  const vision = Array.isArray(values['vision-model'])
    ? values['vision-model']
    : (env.LLM_SIM_VISION_MODELS ?? '').split(',').filter((m) => m.trim() !== '');
  if (vision.some((m) => m.trim() === ''))
    throw new CliUsageError('invalid --vision-model: expected a non-empty name or pattern');
  if (vision.length > 0) options.visionModels = vision.map((m) => m.trim());
  const apiKey = typeof values['api-key'] === 'string' ? values['api-key'] : env.LLM_SIM_API_KEY;
  if (apiKey !== undefined && apiKey !== '') options.apiKey = apiKey;
  const leakEnv = env.LLM_SIM_LEAK_SYSTEM_PROMPT;
  if (leakEnv !== undefined && leakEnv !== '' && !/^(true|false|1|0)$/i.test(leakEnv))
    throw new CliUsageError(`invalid LLM_SIM_LEAK_SYSTEM_PROMPT "${leakEnv}": expected true or false`);
  if (values['leak-system-prompt'] === true || /^(true|1)$/i.test(leakEnv ?? ''))
    options.leakSystemPrompt = true;
  return { help: false, options };
}
