import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { componentInfo, LATENCY_BUCKETS_SECONDS } from './registry';

export interface WorkerMetricsOptions {
  /**
   * The LLM backends in order (name `primary`, `fallback-1`…, and model), so that their call
   * counters and circuit states exist at 0 before the first call. @defaultValue none
   */
  llmBackends?: ReadonlyArray<{ name: string; model: string }>;
}

const LLM_OUTCOMES = [
  'ok',
  'rate_limited',
  'timeout',
  'server_error',
  'connection_error',
  'client_error',
  'skipped_paused',
  'skipped_open',
] as const;

/** Metric definitions of the worker. No user, chat or message ids in labels: cardinality stays fixed. */
export function createWorkerMetrics(registry: Registry, opts: WorkerMetricsOptions = {}): WorkerMetrics {
  componentInfo(registry, 'worker');
  const metrics = defineWorkerMetrics(registry);
  initializeSeries(metrics, opts);
  return metrics;
}

function defineWorkerMetrics(registry: Registry) {
  const registers = [registry];
  return {
    jobs: new Counter({
      name: 'parley_worker_jobs_total',
      help: 'Jobs finished by outcome: completed, retried (will run again), delayed (waiting out a Telegram retry_after), failed (given up, in the failed set).',
      labelNames: ['queue', 'outcome'] as const,
      registers,
    }),
    jobWait: new Histogram({
      name: 'parley_worker_job_wait_seconds',
      help: 'Time a job waited in the queue before a worker picked it up. Rising values mean too few workers.',
      labelNames: ['queue'] as const,
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    jobDuration: new Histogram({
      name: 'parley_worker_job_duration_seconds',
      help: 'Time a worker spent on one job, LLM call and replies included.',
      labelNames: ['queue', 'outcome'] as const,
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    lastJobTimestamp: new Gauge({
      name: 'parley_worker_last_job_timestamp_seconds',
      help: 'Unix time of the last job this worker finished; stops moving when consumption is stuck.',
      labelNames: ['queue'] as const,
      registers,
    }),
    updates: new Counter({
      name: 'parley_updates_total',
      help: 'Telegram updates handled, by update kind and what was done: answered, command, ignored (kinds the bot does not handle), duplicate (already answered).',
      labelNames: ['kind', 'handling'] as const,
      registers,
    }),
    updateToReply: new Histogram({
      name: 'parley_update_reply_latency_seconds',
      help: 'From the gateway accepting an update to its reply being sent: the latency a user feels, and the SLO (95% within 10 s).',
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    updateToFirstText: new Histogram({
      name: 'parley_update_first_text_latency_seconds',
      help: 'From the gateway accepting an update to the first text of its answer being visible in the chat (time to first visible token).',
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    llmRequests: new Counter({
      name: 'parley_llm_requests_total',
      help: 'Chat completion requests by backend, model and outcome (ok, rate_limited, timeout, server_error, connection_error, client_error, skipped_paused, skipped_open).',
      labelNames: ['backend', 'model', 'outcome'] as const,
      registers,
    }),
    llmLatency: new Histogram({
      name: 'parley_llm_request_duration_seconds',
      help: 'Chat completion latency as seen by the worker, SDK retries included.',
      labelNames: ['backend', 'model', 'outcome'] as const,
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    llmTokens: new Counter({
      name: 'parley_llm_tokens_total',
      help: 'Tokens reported by the LLM backend, by backend, model and type (prompt, completion): what the LLM bill is made of.',
      labelNames: ['backend', 'model', 'type'] as const,
      registers,
    }),
    llmCircuitState: new Gauge({
      name: 'parley_llm_circuit_state',
      help: 'Circuit breaker of each LLM backend as this pod last saw it: 0 closed, 1 half-open (one trial call), 2 open (skipped). Open means the backend kept failing.',
      labelNames: ['backend'] as const,
      registers,
    }),
    llmConcurrencyLimit: new Gauge({
      name: 'parley_llm_concurrency_limit',
      help: 'Adaptive limit of LLM calls in flight per backend in this pod: grows while calls take about their no-load time for their answer length, shrinks to the concurrency the backend served when they queue there, and on 429s or timeouts.',
      labelNames: ['backend'] as const,
      registers,
    }),
    llmInFlight: new Gauge({
      name: 'parley_llm_in_flight',
      help: 'LLM calls in flight per backend in this pod.',
      labelNames: ['backend'] as const,
      registers,
    }),
    llmQueued: new Gauge({
      name: 'parley_llm_queued',
      help: 'LLM calls waiting for a slot under the adaptive limit, per backend, in this pod.',
      labelNames: ['backend'] as const,
      registers,
    }),
    llmBatchPrompts: new Histogram({
      name: 'parley_llm_batch_prompts',
      help: 'Conversations per /v1/completions request of a backend with prompt batching (LLM_BATCH_MODE=completions); the count is the number of requests sent.',
      labelNames: ['backend'] as const,
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048],
      registers,
    }),
    singleFlight: new Counter({
      name: 'parley_llm_single_flight_total',
      help: 'Context-free prompts sent to the LLM (computed) or answered by an identical call already in flight in any pod (shared).',
      labelNames: ['result'] as const,
      registers,
    }),
    semanticCache: new Counter({
      name: 'parley_semantic_cache_lookups_total',
      help: 'Semantic cache lookups after an exact-cache miss: hit, near_miss (just under the threshold; tune with care), miss.',
      labelNames: ['result'] as const,
      registers,
    }),
    cacheRequests: new Counter({
      name: 'parley_response_cache_requests_total',
      help: 'Response cache lookups for context-free prompts: hit (answered without the LLM) or miss.',
      labelNames: ['result'] as const,
      registers,
    }),
    telegramCalls: new Counter({
      name: 'parley_telegram_api_calls_total',
      help: 'Bot API calls by method and outcome (ok, or error_<code>, or network). error_429 means Telegram is throttling the bot.',
      labelNames: ['method', 'outcome'] as const,
      registers,
    }),
    telegramLatency: new Histogram({
      name: 'parley_telegram_api_call_duration_seconds',
      help: 'Bot API call latency by method.',
      labelNames: ['method'] as const,
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
  };
}

/**
 * Exports the series alerts and ratios depend on at 0 from the start. rate() cannot see a
 * counter go from absent to its first value, so without this the first cache hit, dead letter
 * or Telegram 429 of a pod would never show in a dashboard or trip an alert. Series whose label
 * values are only known at run time (backends, queues) are initialized where they are known.
 */
function initializeSeries(m: WorkerMetrics, opts: WorkerMetricsOptions): void {
  for (const { name: backend, model } of opts.llmBackends ?? []) {
    for (const outcome of LLM_OUTCOMES) m.llmRequests.inc({ backend, model, outcome }, 0);
    m.llmCircuitState.set({ backend }, 0);
  }
  for (const result of ['hit', 'miss']) m.cacheRequests.inc({ result }, 0);
  for (const result of ['hit', 'near_miss', 'miss']) m.semanticCache.inc({ result }, 0);
  for (const result of ['computed', 'shared']) m.singleFlight.inc({ result }, 0);
  for (const handling of ['answered', 'command', 'ignored', 'duplicate', 'dead_letter'])
    m.updates.inc({ kind: 'message', handling }, 0);
  // sendMessage carries every reply: its 429s are the flood bans that matter.
  for (const outcome of ['ok', 'error_429']) m.telegramCalls.inc({ method: 'sendMessage', outcome }, 0);
}

export type WorkerMetrics = ReturnType<typeof defineWorkerMetrics>;
