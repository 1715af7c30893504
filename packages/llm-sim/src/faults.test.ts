import { execFile } from 'node:child_process';
import path from 'node:path';
import OpenAI, { type APIError } from 'openai';
import { clientFor, INSTANT, MODEL, simHarness, waitFor } from './__tests__/helpers';
import { FaultInjector } from './faults';

const harness = simHarness();

/**
 * The class name of the error the SDK raises for one chat call with `timeout`, run in a child
 * Node process. Jest runs tests in a separate realm, where the SDK's `castToError` turns the
 * cross-realm AbortError into a plain Error and reports APIConnectionError instead of
 * APIConnectionTimeoutError; a child process shows what an application really gets.
 */
function sdkErrorInPlainNode(baseURL: string, timeout: number): Promise<string> {
  const script = `
    const { OpenAI } = require('openai');
    const client = new OpenAI({ baseURL: ${JSON.stringify(baseURL)}, apiKey: 'sk-test', maxRetries: 0, timeout: ${timeout} });
    client.chat.completions
      .create({ model: ${JSON.stringify(MODEL)}, messages: [{ role: 'user', content: 'hi' }] })
      .then(() => console.log('resolved'), (e) => console.log(e.constructor.name));
  `;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', script],
      { cwd: path.join(__dirname, '..'), timeout: 20_000 },
      (err, stdout) => (err ? reject(err) : resolve(stdout.trim())),
    );
  });
}
const hi = { model: MODEL, messages: [{ role: 'user' as const, content: 'hi' }] };

describe('injected faults through the SDK', () => {
  it('429 becomes RateLimitError with retry headers when the SDK does not retry', async () => {
    const sim = await harness.start(INSTANT);
    sim.injectFault({ status: 429, retryAfter: 2 });
    const call = clientFor(sim, { maxRetries: 0 }).chat.completions.create(hi);
    await expect(call).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const error = (await call.catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.type).toBe('requests');
    expect(error.headers.get('retry-after')).toBe('2');
    expect(error.headers.get('retry-after-ms')).toBe('2000');
    // A one-shot rule: the next request goes through.
    await expect(clientFor(sim).chat.completions.create(hi)).resolves.toBeDefined();
  });

  it('the SDK retries a 429 after the retry-after delay and then succeeds', async () => {
    const sim = await harness.start(INSTANT);
    // Longer than the SDK's own first backoff (at most 0.5 s), so the wait proves the header was used.
    sim.injectFault({ status: 429, times: 1, retryAfter: 1.2 });
    const started = Date.now();
    const answer = await clientFor(sim, { maxRetries: 1 }).chat.completions.create(hi);
    const elapsed = Date.now() - started;
    expect(answer.choices[0]?.message.content).toBe('Hello! How can I help you today? (turn 1)');
    expect(elapsed).toBeGreaterThanOrEqual(1_150);
    expect(sim.stats()).toMatchObject({ requests: 2, completed: 1, errors: 1, errorsInjected: 1 });
  });

  it('500, 502 and 503 become the SDK server errors', async () => {
    const sim = await harness.start(INSTANT);
    const client = clientFor(sim, { maxRetries: 0 });
    sim.injectFault({ status: 500 });
    const call = client.chat.completions.create(hi);
    await expect(call).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(call).rejects.toMatchObject({
      status: 500,
      error: {
        message: 'The server had an error while processing your request.',
        type: 'server_error',
        param: null,
        code: null,
      },
    });
    sim.injectFault({ status: 503, times: 2 });
    await expect(client.chat.completions.create(hi)).rejects.toMatchObject({ status: 503 });
    await expect(client.chat.completions.create(hi)).rejects.toMatchObject({ status: 503 });
    sim.injectFault({ status: 502 });
    await expect(client.chat.completions.create(hi)).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(client.chat.completions.create(hi)).resolves.toBeDefined();
  });

  it('a timeout fault hangs until the SDK gives up, holding no slot', async () => {
    const sim = await harness.start({ ...INSTANT, capacity: 1 });
    sim.injectFault({ status: 'timeout' });
    const started = Date.now();
    const call = clientFor(sim, { maxRetries: 0, timeout: 300 }).chat.completions.create(hi);
    // Under jest the SDK sees the abort as a plain connection error (see sdkErrorInPlainNode).
    await expect(call).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await waitFor(() => sim.stats().aborted === 1, 'the hung request to be seen as aborted');
    expect(sim.stats()).toMatchObject({ inFlight: 0, errorsInjected: 1 });
    // The slot was never taken: the next request is served at once.
    await expect(clientFor(sim).chat.completions.create(hi)).resolves.toBeDefined();
  });

  it('a timeout fault gives APIConnectionTimeoutError in plain Node', async () => {
    const sim = await harness.start(INSTANT);
    sim.injectFault({ status: 'timeout' });
    expect(await sdkErrorInPlainNode(sim.baseURL, 300)).toBe('APIConnectionTimeoutError');
  });

  it('path-filtered faults only hit that endpoint', async () => {
    const sim = await harness.start(INSTANT);
    sim.injectFault({ status: 500, path: 'embeddings' });
    const client = clientFor(sim);
    await expect(client.chat.completions.create(hi)).resolves.toBeDefined();
    await expect(client.embeddings.create({ model: MODEL, input: 'x' })).rejects.toMatchObject({
      status: 500,
    });
  });

  it('[[sim:error=STATUS]] answers that status on every attempt', async () => {
    const sim = await harness.start(INSTANT);
    const client = clientFor(sim, { maxRetries: 0 });
    const ask = (content: string) =>
      client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content }] });
    await expect(ask('[[sim:error=429]]')).rejects.toMatchObject({ status: 429 });
    const limited = (await ask('[[sim:error=429]]').catch((e: unknown) => e)) as APIError;
    expect(limited.headers?.get('retry-after')).toBe('1');
    await expect(ask('[[sim:error=503]]')).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(ask('[[sim:error=400]]')).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    expect(sim.stats().errorsInjected).toBe(4);
  });

  it('random error rates with a seed are reproducible', async () => {
    const outcomes = async () => {
      const sim = await harness.start({ ...INSTANT, errorRate: 0.5, seed: 42 });
      const client = clientFor(sim, { maxRetries: 0 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        statuses.push(
          await client.chat.completions.create(hi).then(
            () => 200,
            (e: APIError) => e.status ?? 0,
          ),
        );
      }
      return statuses;
    };
    const first = await outcomes();
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(2);
    expect(first.filter((s) => s >= 500).length).toBeGreaterThan(2);
    expect(first.every((s) => [200, 500, 502, 503].includes(s))).toBe(true);
    expect(await outcomes()).toEqual(first);
  });
});

describe('FaultInjector', () => {
  const none = { errorRate: 0, rateLimitRate: 0, timeoutRate: 0 };

  it('fires a plain rule once, a counted rule N times and a probability rule until cleared', () => {
    const faults = new FaultInjector(1);
    faults.add({ status: 500 });
    expect(faults.decide('chat', none)).toEqual({ kind: 'error', status: 500 });
    expect(faults.decide('chat', none)).toBeUndefined();
    faults.add({ status: 'timeout', times: 2 });
    expect(faults.decide('chat', none)).toEqual({ kind: 'timeout' });
    expect(faults.decide('chat', none)).toEqual({ kind: 'timeout' });
    expect(faults.decide('chat', none)).toBeUndefined();
    faults.add({ status: 429, probability: 1, retryAfter: 3 });
    for (let i = 0; i < 5; i++) {
      expect(faults.decide('chat', none)).toEqual({ kind: 'error', status: 429, retryAfterSeconds: 3 });
    }
    faults.clear();
    expect(faults.decide('chat', none)).toBeUndefined();
  });

  it('rejects invalid rules', () => {
    const faults = new FaultInjector(1);
    expect(() => faults.add({ status: 404 as never })).toThrow(RangeError);
    expect(() => faults.add({ status: 500, probability: 2 })).toThrow(RangeError);
    expect(() => faults.add({ status: 500, times: 0 })).toThrow(RangeError);
  });
});
