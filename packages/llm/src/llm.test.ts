import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import { completeChat } from './chat';
import { createLlmClient } from './client';
import { classifyLlmError } from './errors';
import { cacheKeyHash, createResponseCache, normalizePrompt } from './response-cache';

const params = { model: 'parley-sim-1', temperature: 0.7, maxTokens: 256 };

describe('completeChat against the OpenAI-compatible simulator', () => {
  let sim: LlmSim;
  beforeAll(async () => {
    sim = await startLlmSim({ ttftMs: 0, tokensPerSecond: 0 });
  });
  afterAll(() => sim.close());
  afterEach(() => sim.clearFaults());

  it('returns the answer and token usage, and reports the call', async () => {
    const events: unknown[] = [];
    const client = createLlmClient({ baseURL: sim.baseURL, timeoutMs: 5_000, maxRetries: 0 });
    const result = await completeChat(client, params, [{ role: 'user', content: 'my name is Ada' }], (e) =>
      events.push(e),
    );
    expect(result.text).toContain('Ada');
    expect(result.promptTokens).toBeGreaterThan(0);
    expect(result.completionTokens).toBeGreaterThan(0);
    expect(events).toEqual([expect.objectContaining({ outcome: 'ok', model: 'parley-sim-1' })]);
  });

  it('classifies a 429 with its retry-after, and a 500 as retryable', async () => {
    const client = createLlmClient({ baseURL: sim.baseURL, timeoutMs: 5_000, maxRetries: 0 });
    sim.injectFault({ status: 429, retryAfter: 3 });
    const limited = await completeChat(client, params, [{ role: 'user', content: 'x' }]).catch((e) => e);
    expect(classifyLlmError(limited)).toMatchObject({
      outcome: 'rate_limited',
      retryable: true,
      retryAfterMs: 3_000,
    });
    sim.injectFault({ status: 500 });
    const broken = await completeChat(client, params, [{ role: 'user', content: 'x' }]).catch((e) => e);
    expect(classifyLlmError(broken)).toMatchObject({ outcome: 'server_error', retryable: true });
  });

  it('classifies an unknown model as a client error that retrying will not fix', async () => {
    const client = createLlmClient({ baseURL: sim.baseURL, timeoutMs: 5_000, maxRetries: 0 });
    const err = await completeChat(client, { ...params, model: 'nope' }, [
      { role: 'user', content: 'x' },
    ]).catch((e) => e);
    expect(classifyLlmError(err)).toMatchObject({ outcome: 'client_error', retryable: false });
  });

  it('gives up after its timeout and calls that retryable', async () => {
    const client = createLlmClient({ baseURL: sim.baseURL, timeoutMs: 300, maxRetries: 0 });
    sim.injectFault({ status: 'timeout' });
    const err = await completeChat(client, params, [{ role: 'user', content: 'x' }]).catch((e) => e);
    expect(classifyLlmError(err)).toMatchObject({ retryable: true });
    expect(['timeout', 'connection_error']).toContain(classifyLlmError(err).outcome);
  });
});

describe('response cache', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('cache');
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });
  const base = {
    model: 'm',
    systemPrompt: 'be nice',
    temperature: 0.7,
    maxTokens: 100,
    prompt: 'What is Redis?',
  };

  it('normalises case, whitespace and the closing punctuation of a sentence only', () => {
    expect(normalizePrompt('  What   IS\nRedis? ')).toBe('what is redis');
    expect(normalizePrompt('What is Redis ?!')).toBe('what is redis');
    expect(cacheKeyHash(base)).toBe(cacheKeyHash({ ...base, prompt: 'what is   redis' }));
    expect(cacheKeyHash(base)).toBe(cacheKeyHash({ ...base, prompt: 'WHAT IS REDIS!' }));
    // After a number or a symbol the mark may be part of the question.
    expect(normalizePrompt('what is 5!')).toBe('what is 5!');
    expect(normalizePrompt('is c++?')).toBe('is c++?');
    expect(normalizePrompt('what is redis? really')).toBe('what is redis? really');
  });

  it.each([
    ['model', { model: 'other' }],
    ['system prompt', { systemPrompt: 'be rude' }],
    ['temperature', { temperature: 0 }],
    ['max tokens', { maxTokens: 50 }],
    ['prompt', { prompt: 'What is Postgres?' }],
  ])('keys on the %s', (_label, change) => {
    expect(cacheKeyHash({ ...base, ...change })).not.toBe(cacheKeyHash(base));
  });

  it('stores with a TTL and reads back', async () => {
    const cache = createResponseCache(redis, { keyFor: (h) => `${prefix}:cache:${h}`, ttlSeconds: 60 });
    expect(await cache.get(base)).toBeUndefined();
    await cache.set(base, 'An in-memory store.');
    expect(await cache.get({ ...base, prompt: 'what is redis?' })).toBe('An in-memory store.');
    const ttl = await redis.ttl(`${prefix}:cache:${cacheKeyHash(base)}`);
    expect(ttl).toBeGreaterThan(50);
  });
});
