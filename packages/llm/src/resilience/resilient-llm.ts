import { randomUUID } from 'node:crypto';
import type OpenAI from 'openai';
import { type ChatObserver, completeChat } from '../chat';
import { createLlmClient } from '../client';
import { type AdaptiveLimiter, createAdaptiveLimiter } from '../efficiency/adaptive-limiter';
import { backendBatcher } from '../efficiency/backend-batcher';
import { chatCallJudgement } from '../efficiency/chat-call-judgement';
import type { PromptBatcher } from '../efficiency/prompt-batcher';
import { classifyLlmError } from '../errors';
import {
  type Admission,
  admit,
  type BreakerSettings,
  readStates,
  recordFailure,
  recordSuccess,
  releaseTrial,
} from './breaker';
import { AllBackendsFailedError, type BackendAttempt } from './errors';
import { failureAction } from './failure-action';
import { type BackendKeys, backendKeys } from './keys';
import {
  type LlmBackend,
  type ResilientLlm,
  type ResilientLlmOptions,
  resolveOptions,
  type StateOperation,
} from './options';
import { pauseBackend } from './pause';
import { PendingSuccesses } from './pending-successes';

/** A tripped circuit nobody tries for this long after its open period is forgotten (closed). */
const TRIPPED_MEMORY_MS = 3_600_000;

/**
 * Successes are written to the breaker's window in batches of this many (or sooner, see
 * PendingSuccesses): one Redis call per 16 answers instead of one per answer.
 */
const SUCCESS_BATCH = 16;
/** ...and a batch is at most this share of the window old when it is written (at most 1 s). */
const SUCCESS_BATCH_WINDOW_SHARE = 0.1;

interface PreparedBackend {
  backend: LlmBackend;
  keys: BackendKeys;
  client: OpenAI;
  /** Caps calls in flight to this backend from this pod; absent when adaptive concurrency is off. */
  limiter?: AdaptiveLimiter;
  /** Gathers concurrent calls into prompt-array requests; absent unless the backend asks for it. */
  batcher?: PromptBatcher;
  /** This pod's successes not yet in the breaker's shared window. */
  successes: PendingSuccesses;
}

/**
 * Chat completions over several OpenAI-compatible backends, with pauses after 429s and a
 * circuit breaker per backend. All of that state is kept in Redis, so a backend that one pod
 * finds rate-limited or broken is skipped by every pod.
 */
export function createResilientLlm(opts: ResilientLlmOptions): ResilientLlm {
  const settings = resolveOptions(opts);
  const breaker: BreakerSettings = {
    failureThreshold: settings.failureThreshold,
    failureRatio: settings.failureRatio,
    minimumRequests: settings.minimumRequests,
    windowMs: settings.windowMs,
    openMs: settings.openMs,
    // The lock must outlive the trial call, or a second caller would start another trial:
    // each SDK attempt may take the whole timeout, plus a second of slack for the round trips.
    trialLockMs: opts.timeoutMs * (opts.maxRetries + 1) + 1_000,
    trippedMs: settings.openMs + TRIPPED_MEMORY_MS,
  };
  const { redis } = opts;
  // One client per backend for the life of this object: each keeps its own connection pool.
  const backends: PreparedBackend[] = opts.backends.map((backend) => ({
    backend,
    keys: backendKeys(opts.keyPrefix, backend.name),
    client: createLlmClient({
      baseURL: backend.baseURL,
      apiKey: backend.apiKey,
      timeoutMs: opts.timeoutMs,
      maxRetries: opts.maxRetries,
    }),
    limiter: opts.concurrency
      ? createAdaptiveLimiter({
          name: backend.name,
          ...opts.concurrency,
          observe: (limit, inFlight, queued) =>
            opts.onConcurrency?.({ backend: backend.name, limit, inFlight, queued }),
        })
      : undefined,
    // Below the breaker and the limiter: each caller is admitted, limited and counted as for a
    // call of its own; only the HTTP request is shared.
    batcher: backendBatcher(backend, opts),
    successes: new PendingSuccesses(
      SUCCESS_BATCH,
      Math.min(1_000, settings.windowMs * SUCCESS_BATCH_WINDOW_SHARE),
    ),
  }));

  // The shared state only steers traffic. When Redis fails, calling the backend as if its
  // circuit were closed is better than failing a request that the LLM could answer.
  async function guarded<T>(
    backend: string,
    operation: StateOperation,
    fallback: T,
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (error) {
      opts.onStateError?.({ backend, operation, error });
      return fallback;
    }
  }

  const observerFor = (backend: string): ChatObserver | undefined => {
    const { observe } = opts;
    if (!observe) return undefined;
    // Fields are picked one by one: the chat observer's success event also carries the answer
    // text, which does not belong in metrics (or in logs built from them).
    return (e) =>
      observe({
        backend,
        model: e.model,
        outcome: e.outcome,
        seconds: e.seconds,
        ...(e.promptTokens === undefined ? {} : { promptTokens: e.promptTokens }),
        ...(e.completionTokens === undefined ? {} : { completionTokens: e.completionTokens }),
      });
  };

  return {
    async complete(params, messages) {
      const attempts: BackendAttempt[] = [];
      // Remaining unavailability of each backend found paused or open, for retryAfterMs.
      const blockedMs: number[] = [];
      let lastError: unknown;

      for (const { backend, keys, client, limiter, batcher, successes } of backends) {
        const { name, model } = backend;
        // Unique per call: the trial lock's owner and the member of the breaker's window.
        const token = randomUUID();
        const closed: Admission = { verdict: 'closed' };
        const admission = await guarded(name, 'admit', closed, () => admit(redis, keys, token, breaker));

        if (admission.verdict !== 'closed' && admission.verdict !== 'trial') {
          const outcome = admission.verdict === 'paused' ? 'skipped_paused' : 'skipped_open';
          opts.observe?.({ backend: name, model, outcome, seconds: 0 });
          attempts.push({ backend: name, outcome, message: skipMessage(admission) });
          blockedMs.push(admission.remainingMs);
          continue;
        }

        const trialToken = admission.verdict === 'trial' ? token : undefined;
        if (trialToken) opts.onBreakerChange?.({ backend: name, state: 'half_open' });
        const release = async () => {
          if (trialToken)
            await guarded(name, 'release', undefined, () => releaseTrial(redis, keys, trialToken));
        };

        try {
          const call = () =>
            batcher
              ? batcher.complete(params, messages, observerFor(name))
              : completeChat(
                  client,
                  { model, temperature: params.temperature, maxTokens: params.maxTokens },
                  messages,
                  observerFor(name),
                  params.onText,
                );
          const result = limiter ? await limiter.run(call, chatCallJudgement) : await call();
          if (trialToken) {
            // The trial's success closes the circuit (and clears the window): written at once.
            successes.take();
            const moved = await guarded(name, 'success', 'ignored' as const, () =>
              recordSuccess(redis, keys, token, trialToken, breaker),
            );
            if (moved === 'closed') opts.onBreakerChange?.({ backend: name, state: 'closed' });
          } else {
            // The breaker trips on a failure rate, so successes are counted too, in batches.
            for (const batch of successes.add()) {
              await guarded(name, 'success', 'ignored' as const, () =>
                recordSuccess(redis, keys, token, undefined, breaker, batch),
              );
            }
          }
          return { ...result, backend: name, model };
        } catch (err) {
          const failure = classifyLlmError(err);
          const action = failureAction(err, failure);
          if (action === 'throw') {
            // The request itself is bad: another backend would refuse it too.
            await release();
            throw err;
          }
          lastError = err;
          attempts.push({ backend: name, outcome: failure.outcome, message: failure.message });
          if (action === 'pause') {
            // A 429 means "alive but busy": pause it for everyone, but do not count it as broken.
            const wanted = failure.retryAfterMs ?? settings.defaultRateLimitPauseMs;
            blockedMs.push(await guarded(name, 'pause', wanted, () => pauseBackend(redis, keys, wanted)));
            await release();
            continue;
          }
          const pending = successes.take();
          const moved = await guarded(name, 'failure', 'ignored' as const, () =>
            recordFailure(redis, keys, token, trialToken, breaker, pending),
          );
          if (moved === 'opened' || moved === 'reopened') {
            blockedMs.push(settings.openMs);
            opts.onBreakerChange?.({ backend: name, state: 'open' });
          }
        }
      }

      const retryAfterMs = blockedMs.length > 0 ? Math.min(...blockedMs) : undefined;
      throw new AllBackendsFailedError(attempts, retryAfterMs, { cause: lastError });
    },

    async status() {
      const states = await readStates(
        redis,
        backends.map((b) => b.keys),
      );
      return backends.map(({ backend }, i) => {
        const state = states[i] ?? { pausedMs: 0, breaker: 'closed' as const };
        return { name: backend.name, pausedMs: state.pausedMs, breaker: state.breaker };
      });
    },
  };
}

function skipMessage(admission: Admission): string {
  if (admission.verdict === 'paused') return `rate limited: paused for another ${admission.remainingMs} ms`;
  if (admission.verdict === 'open') return `circuit open for another ${admission.remainingMs} ms`;
  if (admission.verdict === 'trial_busy') {
    return `circuit half-open: another caller's trial is in flight (up to ${admission.remainingMs} ms)`;
  }
  return 'available';
}
