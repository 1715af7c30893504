import { startLlmSim } from '@parley/llm-sim';
import { testRedisUrl, waitFor } from '@parley/testing';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { classifyLlmError } from '../errors';
import { ask, chatRequests, MODEL, params, recorder, useTwoBackends } from './__tests__/harness';
import { AllBackendsFailedError } from './errors';
import { backendKeys } from './keys';
import type { StateOperation } from './options';
import { pauseBackend } from './pause';
import { createResilientLlm } from './resilient-llm';

const t = useTwoBackends('llm-failover');

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('failover between backends', () => {
  it('answers from the primary while it is healthy', async () => {
    const result = await t.pod().complete(params, ask('my name is Ada'));
    expect(result).toMatchObject({ backend: 'a', model: MODEL, finishReason: 'stop' });
    expect(result.text).toContain('Ada');
    expect(chatRequests(t.simB)).toBe(0);
  });

  it('falls back to the second backend when the first answers 500, and says which answered', async () => {
    const { events, observe } = recorder();
    t.simA.injectFault({ status: 500 });
    const result = await t.pod({ observe }).complete(params, ask('my name is Ada'));

    expect(result).toMatchObject({ backend: 'b', model: MODEL });
    expect(result.text).toContain('Ada');
    expect([chatRequests(t.simA), chatRequests(t.simB)]).toEqual([1, 1]);
    expect(events).toEqual([
      { backend: 'a', model: MODEL, outcome: 'server_error', seconds: expect.any(Number) },
      {
        backend: 'b',
        model: MODEL,
        outcome: 'ok',
        seconds: expect.any(Number),
        promptTokens: result.promptTokens,
        completionTokens: result.completionTokens,
      },
    ]);
    expect(result.promptTokens).toBeGreaterThan(0);
  });

  it('fails over on a refused connection and on a timeout', async () => {
    const closed = await startLlmSim();
    const deadURL = closed.baseURL;
    await closed.close();
    const { events, observe } = recorder();
    const viaDeadPrimary = createResilientLlm({
      backends: [
        { name: 'dead', baseURL: deadURL, model: MODEL },
        { name: 'b', baseURL: t.simB.baseURL, model: MODEL },
      ],
      redis: t.redis,
      keyPrefix: t.prefix,
      timeoutMs: 300,
      maxRetries: 0,
      observe,
    });
    expect((await viaDeadPrimary.complete(params, ask())).backend).toBe('b');

    t.simA.injectFault({ status: 'timeout' });
    expect((await t.pod({ timeoutMs: 300, observe }).complete(params, ask())).backend).toBe('b');

    expect(events.map((e) => [e.backend, e.outcome])).toEqual([
      ['dead', 'connection_error'],
      ['b', 'ok'],
      // Under jest the SDK reports its timeout as a plain connection error (see llm-sim README).
      ['a', expect.stringMatching(/^(timeout|connection_error)$/)],
      ['b', 'ok'],
    ]);
  });
});

describe('429: pausing a backend for every pod', () => {
  it('pauses the backend for retry-after in Redis, so another pod skips it until the pause ends', async () => {
    const podOne = t.pod();
    t.simA.injectFault({ status: 429, retryAfter: 2 });
    expect((await podOne.complete(params, ask())).backend).toBe('b');
    expect(chatRequests(t.simA)).toBe(1);
    const pttl = await t.redis.pttl(`${t.prefix}:llm:{a}:pause`);
    expect(pttl).toBeGreaterThan(1_000);
    expect(pttl).toBeLessThanOrEqual(2_000);

    // Another pod: its own object and Redis connection, same Redis and prefix.
    const { events, observe } = recorder();
    const podTwo = t.pod({ redis: t.connection(), observe });
    const answer = await podTwo.complete(params, ask());
    expect(answer.backend).toBe('b');
    expect(chatRequests(t.simA)).toBe(1);
    expect(events[0]).toEqual({ backend: 'a', model: MODEL, outcome: 'skipped_paused', seconds: 0 });
    const [a, b] = await podTwo.status();
    expect(a).toMatchObject({ name: 'a', breaker: 'closed' });
    expect(a?.pausedMs).toBeGreaterThan(0);
    expect(b).toEqual({ name: 'b', pausedMs: 0, breaker: 'closed' });

    await waitFor(async () => (await podTwo.status())[0]?.pausedMs === 0, {
      timeoutMs: 5_000,
      what: 'pause end',
    });
    expect((await podTwo.complete(params, ask())).backend).toBe('a');
    expect(chatRequests(t.simA)).toBe(2);
  });

  it('pauses for defaultRateLimitPauseMs when the 429 says nothing about when to come back', async () => {
    // retryAfter 0 makes the simulator send `retry-after: 0`, which is no usable hint.
    t.simA.injectFault({ status: 429, retryAfter: 0 });
    const pod = t.pod({ defaultRateLimitPauseMs: 700 });
    expect((await pod.complete(params, ask())).backend).toBe('b');
    const pausedMs = (await pod.status())[0]?.pausedMs ?? 0;
    expect(pausedMs).toBeGreaterThan(400);
    expect(pausedMs).toBeLessThanOrEqual(700);
  });

  it('pauses for 5 s by default when the 429 carries no retry-after', async () => {
    t.simA.injectFault({ status: 429, retryAfter: 0 });
    const pod = t.pod();
    await pod.complete(params, ask());
    const pausedMs = (await pod.status())[0]?.pausedMs ?? 0;
    expect(pausedMs).toBeGreaterThan(4_000);
    expect(pausedMs).toBeLessThanOrEqual(5_000);
  });

  it('keeps the longer pause when a shorter retry-after arrives later', async () => {
    const pod = t.pod();
    t.simA.injectFault({ status: 429, retryAfter: 3 });
    await pod.complete(params, ask());
    // Another pod got a 429 with a short hint at the same time, before it saw the long pause.
    expect(await pauseBackend(t.redis, backendKeys(t.prefix, 'a'), 500)).toBeGreaterThan(2_000);
    expect((await pod.status())[0]?.pausedMs).toBeGreaterThan(2_000);
  });
});

describe('when no backend can answer', () => {
  it('throws AllBackendsFailedError, retryable, when every backend fails with 5xx', async () => {
    t.simA.injectFault({ status: 500 });
    t.simB.injectFault({ status: 503 });
    const err = await rejection(t.pod().complete(params, ask()));

    expect(err).toBeInstanceOf(AllBackendsFailedError);
    const failed = err as AllBackendsFailedError;
    expect(failed.retryable).toBe(true);
    expect(failed.retryAfterMs).toBeUndefined();
    expect(failed.attempts).toEqual([
      { backend: 'a', outcome: 'server_error', message: expect.any(String) },
      { backend: 'b', outcome: 'server_error', message: expect.any(String) },
    ]);
    expect(failed.cause).toBeInstanceOf(OpenAI.InternalServerError);
    expect(classifyLlmError(err)).toMatchObject({ outcome: 'server_error', retryable: true });
  });

  it('gives the time until the first paused backend is usable again', async () => {
    const pod = t.pod();
    t.simA.injectFault({ status: 429, retryAfter: 2 });
    t.simB.injectFault({ status: 500, times: 2 });
    const first = (await rejection(pod.complete(params, ask()))) as AllBackendsFailedError;
    expect(first).toBeInstanceOf(AllBackendsFailedError);
    expect(first).toMatchObject({ retryable: true, retryAfterMs: 2_000 });

    // The next request does not call the paused backend and reports what is left of its pause.
    const second = (await rejection(pod.complete(params, ask()))) as AllBackendsFailedError;
    expect(second.attempts.map((a) => a.outcome)).toEqual(['skipped_paused', 'server_error']);
    expect(second.retryAfterMs).toBeGreaterThan(1_000);
    expect(second.retryAfterMs).toBeLessThanOrEqual(2_000);
    expect(chatRequests(t.simA)).toBe(1);
    expect(classifyLlmError(second)).toMatchObject({ retryable: true, retryAfterMs: second.retryAfterMs });
  });

  it('takes the smallest pause when every backend is rate limited', async () => {
    t.simA.injectFault({ status: 429, retryAfter: 3 });
    t.simB.injectFault({ status: 429, retryAfter: 1 });
    const err = (await rejection(t.pod().complete(params, ask()))) as AllBackendsFailedError;
    expect(err).toMatchObject({ retryable: true, retryAfterMs: 1_000 });
    expect(classifyLlmError(err)).toMatchObject({ outcome: 'rate_limited', retryAfterMs: 1_000 });
  });
});

describe('client errors', () => {
  it('a 404 (model unknown to that backend) counts as that backend failing and moves on', async () => {
    const pod = createResilientLlm({
      backends: [
        { name: 'a', baseURL: t.simA.baseURL, model: 'not-served-here' },
        { name: 'b', baseURL: t.simB.baseURL, model: MODEL },
      ],
      redis: t.redis,
      keyPrefix: t.prefix,
      timeoutMs: 2_000,
      maxRetries: 0,
      breaker: { failureThreshold: 2, minimumRequests: 1 },
    });
    expect((await pod.complete(params, ask())).backend).toBe('b');
    expect((await pod.status())[0]?.breaker).toBe('closed');
    expect((await pod.complete(params, ask())).backend).toBe('b');
    expect((await pod.status())[0]?.breaker).toBe('open');
    expect(chatRequests(t.simA)).toBe(2);
  });

  it('a 401 (wrong key) counts as that backend failing and moves on', async () => {
    const locked = await startLlmSim({ ttftMs: 0, tokensPerSecond: 0, apiKey: 'sk-right' });
    try {
      const pod = createResilientLlm({
        backends: [
          { name: 'locked', baseURL: locked.baseURL, apiKey: 'sk-wrong', model: MODEL },
          { name: 'b', baseURL: t.simB.baseURL, model: MODEL },
        ],
        redis: t.redis,
        keyPrefix: t.prefix,
        timeoutMs: 2_000,
        maxRetries: 0,
        breaker: { failureThreshold: 1, minimumRequests: 1 },
      });
      expect((await pod.complete(params, ask())).backend).toBe('b');
      expect(chatRequests(locked)).toBe(1);
      expect((await pod.status())[0]).toEqual({ name: 'locked', pausedMs: 0, breaker: 'open' });
    } finally {
      await locked.close();
    }
  });

  it('is not retryable when every backend failed with a client error', async () => {
    const pod = createResilientLlm({
      backends: [{ name: 'only', baseURL: t.simA.baseURL, model: 'not-served-here' }],
      redis: t.redis,
      keyPrefix: t.prefix,
      timeoutMs: 2_000,
      maxRetries: 0,
    });
    const err = await rejection(pod.complete(params, ask()));
    expect(err).toBeInstanceOf(AllBackendsFailedError);
    expect(err).toMatchObject({
      retryable: false,
      retryAfterMs: undefined,
      attempts: [{ backend: 'only', outcome: 'client_error', message: expect.stringContaining('404') }],
    });
    expect(classifyLlmError(err)).toMatchObject({ outcome: 'client_error', retryable: false });
  });

  it('a 400 is thrown as it is, not tried elsewhere and not held against the backend', async () => {
    const { events, observe } = recorder();
    const pod = t.pod({ breaker: { failureThreshold: 1, minimumRequests: 1 }, observe });
    // The simulator answers 400 to a message carrying this directive.
    const err = await rejection(pod.complete(params, ask('[[sim:error=400]] hello')));

    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).not.toBeInstanceOf(AllBackendsFailedError);
    expect(chatRequests(t.simB)).toBe(0);
    expect(events.map((e) => [e.backend, e.outcome])).toEqual([['a', 'client_error']]);
    expect((await pod.status())[0]).toEqual({ name: 'a', pausedMs: 0, breaker: 'closed' });
  });

  it('a 400 from a fallback is thrown as it is too', async () => {
    // Injected faults come before the directive: the primary answers 500, the fallback 400.
    t.simA.injectFault({ status: 500 });
    const err = await rejection(t.pod().complete(params, ask('[[sim:error=400]] hello')));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect([chatRequests(t.simA), chatRequests(t.simB)]).toEqual([1, 1]);
  });
});

describe('shared state trouble', () => {
  it('keeps answering when Redis fails, and reports the state errors', async () => {
    // A real connection, then lost: every command fails at once with "Connection is closed".
    // (Disconnecting it a second time after commands failed would keep jest from exiting.)
    const offline = new Redis(testRedisUrl());
    await offline.ping();
    offline.disconnect();
    const stateErrors: Array<{ backend: string; operation: StateOperation }> = [];
    const pod = t.pod({
      redis: offline,
      onStateError: ({ backend, operation }) => stateErrors.push({ backend, operation }),
    });
    t.simA.injectFault({ status: 500 });
    expect((await pod.complete(params, ask())).backend).toBe('b');
    // b's success waits for a batch of successes (see PendingSuccesses), so it writes nothing yet.
    expect(stateErrors).toEqual([
      { backend: 'a', operation: 'admit' },
      { backend: 'a', operation: 'failure' },
      { backend: 'b', operation: 'admit' },
    ]);
    await expect(pod.status()).rejects.toThrow(/closed/);
  });
});

describe('options', () => {
  const backend = { name: 'a', baseURL: 'http://127.0.0.1:1/v1', model: MODEL };
  const valid = { backends: [backend], keyPrefix: 'p', timeoutMs: 1_000, maxRetries: 0 };

  it.each([
    ['no backend', { backends: [] }, /at least one backend/],
    ['a name with capitals', { backends: [{ ...backend, name: 'Primary' }] }, /backends\[0\]\.name/],
    ['a name too long', { backends: [{ ...backend, name: 'x'.repeat(33) }] }, /backends\[0\]\.name/],
    ['a name used twice', { backends: [backend, backend] }, /used twice/],
    ['a zero timeout', { timeoutMs: 0 }, /timeoutMs/],
    ['negative retries', { maxRetries: -1 }, /maxRetries/],
    ['a fractional threshold', { breaker: { failureThreshold: 1.5 } }, /failureThreshold/],
    ['a zero open period', { breaker: { openMs: 0 } }, /openMs/],
    ['a zero failure ratio', { breaker: { failureRatio: 0 } }, /failureRatio/],
    ['a failure ratio above 1', { breaker: { failureRatio: 1.5 } }, /failureRatio/],
    ['a fractional minimum of requests', { breaker: { minimumRequests: 2.5 } }, /minimumRequests/],
    ['a negative default pause', { defaultRateLimitPauseMs: -5 }, /defaultRateLimitPauseMs/],
  ])('rejects %s', (_label, change, message) => {
    expect(() => createResilientLlm({ ...valid, redis: t.redis, ...change })).toThrow(message);
  });

  it('accepts names of a-z 0-9 _ - up to 32 characters', () => {
    const name = `gpu_pool-2${'x'.repeat(22)}`;
    expect(() =>
      createResilientLlm({ ...valid, redis: t.redis, backends: [{ ...backend, name }] }),
    ).not.toThrow();
  });
});
