import { answerFor, type LlmSim, startLlmSim } from '@parley/llm-sim';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import type { ChatMessage } from '../chat';
import { classifyLlmError } from '../errors';
import type { ResilientLlmEvent, ResilientLlmOptions } from '../resilience/options';
import { createResilientLlm } from '../resilience/resilient-llm';

const MODEL = 'parley-sim-1';
const params = { temperature: 0.7, maxTokens: 256 };
const conversation = (i: number): ChatMessage[] => [
  { role: 'system', content: 'You are Parley, a helpful assistant.' },
  { role: 'user', content: `my name is User${i}` },
  { role: 'assistant', content: `Parley: Nice to meet you, User${i}! (turn 1)` },
  { role: 'user', content: 'what is my name?' },
];

/**
 * End to end: the resilient LLM with `promptBatching` on its primary, against real simulators,
 * the openai SDK and Redis (breaker and pauses), as the worker uses it with LLM_BATCH_MODE.
 */
describe('a backend with prompt batching', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('llm-batch');
  let primary: LlmSim;
  let fallback: LlmSim;
  let n = 0;
  const llmFor = (extra: Partial<ResilientLlmOptions> = {}) =>
    createResilientLlm({
      backends: [
        { name: 'primary', baseURL: primary.baseURL, model: MODEL, promptBatching: { windowMs: 10 } },
        { name: 'fallback', baseURL: fallback.baseURL, model: MODEL },
      ],
      redis,
      keyPrefix: `${prefix}-${++n}`,
      timeoutMs: 5_000,
      maxRetries: 0,
      ...extra,
    });

  beforeAll(async () => {
    [primary, fallback] = await Promise.all([
      startLlmSim({ ttftMs: 100, tokensPerSecond: 200, capacity: 64 }),
      startLlmSim({ ttftMs: 0, tokensPerSecond: 0 }),
    ]);
  });
  beforeEach(() => {
    for (const sim of [primary, fallback]) {
      sim.resetStats();
      sim.clearFaults();
    }
  });
  afterAll(async () => {
    await Promise.all([primary.close(), fallback.close()]);
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('answers N concurrent conversations with one HTTP request, each with its own answer', async () => {
    const events: ResilientLlmEvent[] = [];
    const batches: number[] = [];
    const llm = llmFor({ observe: (e) => events.push(e), onBatch: (e) => batches.push(e.prompts) });
    const N = 24;
    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) => llm.complete(params, conversation(i))),
    );
    expect(primary.stats().byPath).toMatchObject({
      completions: { requests: 1, completed: 1 },
      chat: { requests: 0 },
    });
    expect(fallback.stats().requests).toBe(0);
    expect(batches).toEqual([N]);
    answers.forEach((answer, i) => {
      expect(answer.text).toBe(`Parley: Your name is User${i}. (turn 2)`);
      expect(answer.text).toBe(answerFor({ model: MODEL, messages: conversation(i) }).content);
      expect(answer).toMatchObject({ backend: 'primary', finishReason: 'stop' });
    });
    // Metrics see N calls whose tokens add up to the request's usage.
    expect(events.filter((e) => e.outcome === 'ok')).toHaveLength(N);
    const completion = events.reduce((sum, e) => sum + (e.completionTokens ?? 0), 0);
    expect(completion).toBe(primary.stats().completionTokens);
  });

  it('a failed batch sends each of its callers to the fallback, as a single call would', async () => {
    primary.injectFault({ status: 500, path: 'completions' });
    const llm = llmFor();
    const answers = await Promise.all([0, 1, 2].map((i) => llm.complete(params, conversation(i))));
    expect(answers.map((a) => a.backend)).toEqual(['fallback', 'fallback', 'fallback']);
    expect(answers[2]?.text).toBe('Parley: Your name is User2. (turn 2)');
    expect(primary.stats().byPath.completions.requests).toBe(1);
    expect(fallback.stats().byPath.chat.requests).toBe(3);
  });

  it('a 429 for a batch pauses the backend for every caller and classifies as rate limited', async () => {
    primary.injectFault({ status: 429, path: 'completions', retryAfter: 2 });
    fallback.injectFault({ status: 429, times: 3 });
    const llm = llmFor();
    const failures = await Promise.all(
      [0, 1, 2].map((i) => llm.complete(params, conversation(i)).catch((err: unknown) => err)),
    );
    for (const err of failures) {
      expect(classifyLlmError(err)).toMatchObject({ outcome: 'rate_limited', retryable: true });
    }
    expect(primary.stats().byPath.completions.requests).toBe(1);
    // Paused: the next call skips the primary without a request.
    const status = await llm.status();
    expect(status.find((s) => s.name === 'primary')?.pausedMs).toBeGreaterThan(1_000);
  });

  it('with adaptive concurrency, the limiter counts callers, and batches stay within it', async () => {
    const limits: number[] = [];
    const llm = llmFor({
      concurrency: { initial: 8, max: 8 },
      onConcurrency: (e) => limits.push(e.inFlight),
    });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => llm.complete(params, conversation(i))),
    );
    expect(answers).toHaveLength(20);
    expect(Math.max(...limits)).toBe(8);
    // 20 callers, at most 8 at once: at least 3 requests, each of at most 8 prompts.
    expect(primary.stats().byPath.completions.requests).toBeGreaterThanOrEqual(3);
    expect(primary.stats().maxInFlightSeen).toBeLessThanOrEqual(8);
  });
});
