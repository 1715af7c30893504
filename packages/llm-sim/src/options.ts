import { DEFAULT_EMBEDDING_DIMENSIONS } from './embed';
import type { FaultRates } from './faults';

/** Where the simulator reports what it does. Compatible with `console`. */
export interface SimLogger {
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

/** Settings that can be changed while the simulator runs (`configure`, `POST /_sim/config`). */
export interface LatencyAndFaultSettings extends FaultRates {
  /** Milliseconds from admission to the first token. @defaultValue 200 */
  ttftMs: number;
  /** Tokens per second generated per request; `0` (or `Infinity`) means instant. @defaultValue 100 */
  tokensPerSecond: number;
  /**
   * Sequences generating at the same time (one per prompt and per `n` of a request, as vLLM's
   * `max_num_seqs` counts); more wait in a FIFO queue. @defaultValue 16
   */
  capacity: number;
  /** Sequences allowed to wait; a request beyond it gets 429 `rate_limit_exceeded`. @defaultValue 1024 */
  maxQueue: number;
  /**
   * Behave like a weak model that reveals its system prompt when asked (see `leak.ts`), so that
   * leak defences can be tested against real leaks. @defaultValue false
   */
  leakSystemPrompt: boolean;
}

export interface LlmSimOptions {
  /** TCP port; 0 picks a free one. @defaultValue 0 */
  port?: number;
  /** Interface to bind. @defaultValue '127.0.0.1' */
  host?: string;
  /** Model ids served by `/v1/models` and accepted by every endpoint. @defaultValue ['parley-sim-1'] */
  models?: string[];
  /**
   * Models that take image input in chat: names, or patterns where `*` matches anything
   * (`['*-vision', 'parley-sim-1']`). Others answer 400 to an `image_url` part, like OpenAI's
   * text-only models. @defaultValue undefined (every served model sees images)
   */
  visionModels?: string[];
  /** When set, requests must send `Authorization: Bearer <apiKey>`. @defaultValue undefined (no auth) */
  apiKey?: string;
  /** Milliseconds from admission to the first token. @defaultValue 200 */
  ttftMs?: number;
  /** Tokens per second per request; `0` or `Infinity` means instant. @defaultValue 100 */
  tokensPerSecond?: number;
  /** Sequences generating concurrently (prompts × n). @defaultValue 16 */
  capacity?: number;
  /** Sequences waiting for a slot before 429s start. @defaultValue 1024 */
  maxQueue?: number;
  /** Reveal the system prompt when asked, like a weak model (tests of leak defences). @defaultValue false */
  leakSystemPrompt?: boolean;
  /** Probability (0..1) of answering 500, 502 or 503. @defaultValue 0 */
  errorRate?: number;
  /** Probability (0..1) of answering 429 with `retry-after`. @defaultValue 0 */
  rateLimitRate?: number;
  /** Probability (0..1) of never answering, until the client gives up. @defaultValue 0 */
  timeoutRate?: number;
  /** Seed of the PRNG behind the fault probabilities. @defaultValue undefined (unseeded) */
  seed?: number;
  /** Embedding length when a request does not pass `dimensions`. @defaultValue 256 */
  embeddingDimensions?: number;
  /** Receives startup and unexpected-error messages. @defaultValue a silent logger */
  logger?: SimLogger;
}

export const DEFAULT_MODELS: readonly string[] = ['parley-sim-1'];

export const DEFAULT_SETTINGS: Readonly<LatencyAndFaultSettings> = {
  ttftMs: 200,
  tokensPerSecond: 100,
  capacity: 16,
  maxQueue: 1024,
  leakSystemPrompt: false,
  errorRate: 0,
  rateLimitRate: 0,
  timeoutRate: 0,
};

/** Largest `embeddingDimensions` / `dimensions` accepted. */
export const MAX_EMBEDDING_DIMENSIONS = 8192;

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(message);
}

const isRate = (v: number) => Number.isFinite(v) && v >= 0 && v <= 1;
const isCount = (v: number) => Number.isInteger(v) && v >= 0;

/**
 * Validates a partial settings update and returns it normalised (`Infinity` tokens per second is
 * stored as `0`, so the settings always survive a JSON round trip). Throws a RangeError naming
 * the first bad field.
 */
export function checkSettings(patch: Partial<LatencyAndFaultSettings>): Partial<LatencyAndFaultSettings> {
  const out: Partial<LatencyAndFaultSettings> = {};
  if (patch.ttftMs !== undefined) {
    check(Number.isFinite(patch.ttftMs) && patch.ttftMs >= 0, 'ttftMs must be a number >= 0');
    out.ttftMs = patch.ttftMs;
  }
  if (patch.tokensPerSecond !== undefined) {
    const tps = patch.tokensPerSecond;
    check(tps >= 0 && !Number.isNaN(tps), 'tokensPerSecond must be >= 0 (0 or Infinity = instant)');
    out.tokensPerSecond = Number.isFinite(tps) ? tps : 0;
  }
  if (patch.capacity !== undefined) {
    check(isCount(patch.capacity) && patch.capacity >= 1, 'capacity must be an integer >= 1');
    out.capacity = patch.capacity;
  }
  if (patch.maxQueue !== undefined) {
    check(isCount(patch.maxQueue), 'maxQueue must be an integer >= 0');
    out.maxQueue = patch.maxQueue;
  }
  if (patch.leakSystemPrompt !== undefined) {
    check(typeof patch.leakSystemPrompt === 'boolean', 'leakSystemPrompt must be a boolean');
    out.leakSystemPrompt = patch.leakSystemPrompt;
  }
  for (const key of ['errorRate', 'rateLimitRate', 'timeoutRate'] as const) {
    const value = patch[key];
    if (value === undefined) continue;
    check(isRate(value), `${key} must be between 0 and 1`);
    out[key] = value;
  }
  return out;
}

/** Validated startup settings with defaults applied. */
export interface ResolvedOptions {
  port: number;
  host: string;
  models: string[];
  visionModels: string[] | undefined;
  apiKey: string | undefined;
  seed: number | undefined;
  embeddingDimensions: number;
  logger: SimLogger;
  settings: LatencyAndFaultSettings;
}

const silentLogger: SimLogger = { info() {}, warn() {}, error() {} };

export function resolveOptions(opts: LlmSimOptions): ResolvedOptions {
  const port = opts.port ?? 0;
  check(Number.isInteger(port) && port >= 0 && port <= 65_535, 'port must be an integer 0..65535');
  const models = opts.models ?? [...DEFAULT_MODELS];
  check(models.length > 0 && models.every((m) => m.trim() !== ''), 'models must be non-empty names');
  const embeddingDimensions = opts.embeddingDimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
  check(
    Number.isInteger(embeddingDimensions) &&
      embeddingDimensions >= 1 &&
      embeddingDimensions <= MAX_EMBEDDING_DIMENSIONS,
    `embeddingDimensions must be an integer 1..${MAX_EMBEDDING_DIMENSIONS}`,
  );
  check(
    opts.visionModels === undefined || opts.visionModels.every((m) => m.trim() !== ''),
    'visionModels must be non-empty names or patterns',
  );
  check(opts.seed === undefined || Number.isInteger(opts.seed), 'seed must be an integer');
  check(opts.apiKey === undefined || opts.apiKey !== '', 'apiKey must not be empty');
  const settings = {
    ...DEFAULT_SETTINGS,
    ...checkSettings({
      ttftMs: opts.ttftMs,
      tokensPerSecond: opts.tokensPerSecond,
      capacity: opts.capacity,
      maxQueue: opts.maxQueue,
      leakSystemPrompt: opts.leakSystemPrompt,
      errorRate: opts.errorRate,
      rateLimitRate: opts.rateLimitRate,
      timeoutRate: opts.timeoutRate,
    }),
  };
  return {
    port,
    host: opts.host ?? '127.0.0.1',
    models: [...new Set(models)],
    visionModels: opts.visionModels,
    apiKey: opts.apiKey,
    seed: opts.seed,
    embeddingDimensions,
    logger: opts.logger ?? silentLogger,
    settings,
  };
}
