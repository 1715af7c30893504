import type { Redis } from 'ioredis';
import type { ChatMessage, ChatResult } from '../chat';
import type { TextObserver } from '../chat-stream';
import type { PromptBatcherOptions } from '../efficiency/prompt-batcher';
import type { LlmOutcome } from '../errors';
import type { BreakerState } from './breaker';

/** One OpenAI-compatible endpoint and the model to ask there. */
export interface LlmBackend {
  /** Short stable name used in Redis keys and metric labels: 1–32 of `a-z 0-9 _ -`. */
  name: string;
  /** Base URL of the OpenAI-compatible API, e.g. `http://vllm:8000/v1`. */
  baseURL: string;
  /** Local servers often take no key. */
  apiKey?: string;
  /** Model id on this backend; backends may serve the same model under different names. */
  model: string;
  /**
   * Send this backend's calls as prompt arrays on `/v1/completions` (vLLM, llama.cpp…): calls
   * made within `windowMs` with equal parameters share one request. Off (chat completions, one
   * request per call) when omitted.
   */
  promptBatching?: Omit<PromptBatcherOptions, 'model' | 'onBatch'>;
}

/**
 * Breaker tuning; durations in ms. The circuit opens on a failure rate over a sliding window,
 * once the window holds enough calls to judge it: when, within `windowMs`, there were at least
 * `minimumRequests` calls (successes plus failures) and at least `failureThreshold` failures, and
 * failures make up at least `failureRatio` of the calls. Failures are timeouts, 5xx, connection
 * errors and 401/403/404; a 429 or a bad request is neither a failure nor a success.
 */
export interface BreakerOptions {
  /**
   * Fewest failures within `windowMs` that may open the circuit, whatever the rate: a quiet
   * backend with a few failed calls stays in use. @defaultValue 5
   */
  failureThreshold?: number;
  /**
   * Share of the window's calls, greater than 0 and at most 1, that must have failed for the
   * circuit to open. A backend answering more than this share is kept: the queue retries the
   * failed calls. @defaultValue 0.5
   */
  failureRatio?: number;
  /**
   * Fewest calls (successes plus failures) within `windowMs` before the rate is judged.
   * @defaultValue 20
   */
  minimumRequests?: number;
  /** Length of the sliding window in which calls are counted. @defaultValue 30000 */
  windowMs?: number;
  /** How long an open circuit skips the backend before one trial call is let through. @defaultValue 30000 */
  openMs?: number;
}

/** One call, or one skipped backend, for metrics. */
export interface ResilientLlmEvent {
  backend: string;
  model: string;
  outcome: LlmOutcome | 'skipped_paused' | 'skipped_open';
  /** Duration of the call; 0 for a skipped backend. */
  seconds: number;
  promptTokens?: number;
  completionTokens?: number;
}

export interface ResilientLlmOptions {
  /** Primary first, then fallbacks in the order they should be tried. At least one. */
  backends: LlmBackend[];
  /**
   * Where the shared state lives (pauses, failure windows, open circuits, trial locks), so that
   * every pod sees what any pod learnt. Use a connection that fails commands rather than
   * queueing them forever: on a Redis error the backend is called as if its circuit were closed.
   */
  redis: Redis;
  /** Prefix of every key, e.g. `parley` → `parley:llm:{primary}:pause`. */
  keyPrefix: string;
  /** Per-request timeout of the SDK. */
  timeoutMs: number;
  /**
   * Retries inside the SDK per backend, before moving on to the next backend. 0 fails over
   * fastest; with more, a 429 is first retried by the SDK on the same backend.
   */
  maxRetries: number;
  /** Circuit breaker per backend, shared by all pods. */
  breaker?: BreakerOptions;
  /** Pause after a 429 that carries no `retry-after`/`retry-after-ms`. @defaultValue 5000 */
  defaultRateLimitPauseMs?: number;
  /** Called for every call and every skipped backend (wire metrics here). @defaultValue none */
  observe?: (e: ResilientLlmEvent) => void;
  /**
   * Called when this process moves a circuit: `open` when its failure opened (or re-opened) it,
   * `half_open` when it won the trial after the open period, `closed` when its trial succeeded.
   * Each transition is therefore reported by exactly one pod. @defaultValue none
   */
  /**
   * Adaptive concurrency per backend (latency against its no-load value per answer length, 429s
   * and timeouts): keeps the backend's continuous batch full without overloading it. Off when
   * omitted.
   */
  concurrency?: { initial?: number; min?: number; max?: number; tolerance?: number };
  /** A batching backend sent one request (`prompts` calls in it) and it ended with `outcome`. */
  onBatch?: (e: { backend: string; prompts: number; outcome: LlmOutcome; seconds: number }) => void;
  /** The concurrency limit of a backend changed, or a call was queued/started/finished. */
  onConcurrency?: (e: { backend: string; limit: number; inFlight: number; queued: number }) => void;
  onBreakerChange?: (e: { backend: string; state: BreakerState }) => void;
  /**
   * Called when reading or writing the shared state failed. The request goes on without it
   * (the backend is treated as available), because a Redis hiccup should not stop answers.
   * @defaultValue none
   */
  onStateError?: (e: { backend: string; operation: StateOperation; error: unknown }) => void;
}

export type StateOperation = 'admit' | 'pause' | 'failure' | 'success' | 'release';

export interface BackendStatus {
  name: string;
  /** Remaining pause after a 429, 0 when not paused. */
  pausedMs: number;
  breaker: BreakerState;
}

export interface ResilientLlm {
  /**
   * Answers from the first backend that is available and succeeds. Throws the SDK's error as is
   * for a bad request (400, 422, …), and {@link AllBackendsFailedError} when no backend answered.
   */
  complete(
    /**
     * `onText` streams the answer (text so far, per chunk); a fallback backend starts over, and
     * a batched backend (`/v1/completions`) does not stream.
     */
    params: { temperature: number; maxTokens: number; onText?: TextObserver },
    messages: ChatMessage[],
  ): Promise<ChatResult & { backend: string; model: string }>;
  /** Current state of every backend, read from Redis. */
  status(): Promise<BackendStatus[]>;
}

export interface ResolvedSettings {
  failureThreshold: number;
  failureRatio: number;
  minimumRequests: number;
  windowMs: number;
  openMs: number;
  defaultRateLimitPauseMs: number;
}

const NAME = /^[a-z0-9_-]{1,32}$/;

/** Checks the options once at start, so a typo fails the pod instead of the first request. */
export function resolveOptions(opts: ResilientLlmOptions): ResolvedSettings {
  if (opts.backends.length === 0) throw new RangeError('backends: at least one backend is required');
  const seen = new Set<string>();
  for (const [i, backend] of opts.backends.entries()) {
    if (!NAME.test(backend.name)) {
      throw new RangeError(
        `backends[${i}].name must be 1-32 of a-z 0-9 _ - (got ${JSON.stringify(backend.name)})`,
      );
    }
    if (seen.has(backend.name)) throw new RangeError(`backends[${i}].name "${backend.name}" is used twice`);
    seen.add(backend.name);
    if (!backend.model) throw new RangeError(`backends[${i}].model is required`);
    if (!backend.baseURL) throw new RangeError(`backends[${i}].baseURL is required`);
  }
  if (!opts.keyPrefix) throw new RangeError('keyPrefix is required');
  positiveInteger('timeoutMs', opts.timeoutMs);
  if (!(Number.isInteger(opts.maxRetries) && opts.maxRetries >= 0)) {
    throw new RangeError(`maxRetries must be an integer >= 0 (got ${opts.maxRetries})`);
  }
  return {
    failureThreshold: positiveInteger('breaker.failureThreshold', opts.breaker?.failureThreshold ?? 5),
    failureRatio: ratio('breaker.failureRatio', opts.breaker?.failureRatio ?? 0.5),
    minimumRequests: positiveInteger('breaker.minimumRequests', opts.breaker?.minimumRequests ?? 20),
    windowMs: positiveInteger('breaker.windowMs', opts.breaker?.windowMs ?? 30_000),
    openMs: positiveInteger('breaker.openMs', opts.breaker?.openMs ?? 30_000),
    defaultRateLimitPauseMs: positiveInteger(
      'defaultRateLimitPauseMs',
      opts.defaultRateLimitPauseMs ?? 5_000,
    ),
  };
}

function positiveInteger(field: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0))
    throw new RangeError(`${field} must be a positive integer (got ${value})`);
  return value;
}

function ratio(field: string, value: number): number {
  if (!(typeof value === 'number' && value > 0 && value <= 1))
    throw new RangeError(`${field} must be a number greater than 0 and at most 1 (got ${value})`);
  return value;
}
