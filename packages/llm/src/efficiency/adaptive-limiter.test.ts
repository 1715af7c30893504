import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import OpenAI from 'openai';
import { createAdaptiveLimiter, LimiterQueueFullError } from './adaptive-limiter';

const MODEL = 'parley-sim-1';
const isRateLimited = (err: unknown) => (err as { status?: unknown }).status === 429;

/** A promise that the test settles. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

describe('adaptive limiter against a continuous-batching backend', () => {
  let sim: LlmSim;
  let client: OpenAI;
  beforeAll(async () => {
    sim = await startLlmSim({ ttftMs: 50, tokensPerSecond: 0, capacity: 8 });
    client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'test', maxRetries: 0, timeout: 10_000 });
  });
  afterAll(() => sim.close());

  it('grows from 2 towards the capacity, stays near it, and backs off on 429s', async () => {
    const samples: number[] = [];
    const limiter = createAdaptiveLimiter({
      name: 'sim',
      initial: 2,
      observe: (limit) => samples.push(limit),
    });
    const call = () =>
      limiter.run(
        () => client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
        { isOverload: isRateLimited },
      );
    let phase: 'load' | 'stop' = 'load';
    let rateLimited = 0;
    // 64 callers, each sending one request after another.
    const callers = Array.from({ length: 64 }, async () => {
      while (phase === 'load') {
        await call().catch((err) => {
          if (!isRateLimited(err)) throw err;
          rateLimited += 1;
        });
      }
    });

    await new Promise((r) => setTimeout(r, 3_000));
    const settled = samples.slice(-200);
    const limitBefore429 = limiter.limit();
    sim.resetStats();
    sim.injectFault({ status: 429, times: 20 });
    await new Promise((r) => setTimeout(r, 300));
    const minAfter429 = Math.min(...samples.slice(-200));
    phase = 'stop';
    await Promise.all(callers);

    // It grew well above where it started…
    expect(Math.max(...samples)).toBeGreaterThanOrEqual(6);
    // …and settled in the region of the backend's capacity (8): not stuck low, not far beyond.
    const average = settled.reduce((a, b) => a + b, 0) / settled.length;
    expect(average).toBeGreaterThanOrEqual(5);
    expect(average).toBeLessThanOrEqual(14);
    // 429s cut it.
    expect(rateLimited).toBe(20);
    expect(minAfter429).toBeLessThan(limitBefore429);

    // Each 429 of a call sent after the previous cut cuts the limit by 0.7 again.
    const idle = limiter.limit();
    sim.injectFault({ status: 429, times: 3 });
    for (let i = 0; i < 3; i += 1) await expect(call()).rejects.toMatchObject({ status: 429 });
    expect(limiter.limit()).toBeLessThan(idle);
    expect(limiter.limit()).toBeLessThanOrEqual(Math.max(1, Math.floor((idle + 1) * 0.7 ** 3)));
  });
});

describe('adaptive limiter queue', () => {
  it('starts waiting callers in FIFO order', async () => {
    const limiter = createAdaptiveLimiter({ name: 'fifo', initial: 1, max: 1 });
    const started: number[] = [];
    const gates = Array.from({ length: 5 }, () => deferred<void>());
    const runs = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    expect([limiter.inFlight(), limiter.queued()]).toEqual([1, 4]);
    // Release them in reverse order of arrival; starts must still follow arrival order.
    for (let i = 0; i < 5; i += 1) {
      gates[i]?.resolve();
      await runs[i];
    }
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect([limiter.inFlight(), limiter.queued()]).toEqual([0, 0]);
  });

  it('rejects a caller beyond maxQueue with a clear error', async () => {
    const limiter = createAdaptiveLimiter({ name: 'backend-a', initial: 1, max: 1, maxQueue: 2 });
    const gate = deferred<void>();
    const runs = [1, 2, 3].map(() => limiter.run(() => gate.promise));
    const refused = limiter.run(async () => 'never');
    await expect(refused).rejects.toBeInstanceOf(LimiterQueueFullError);
    await expect(refused).rejects.toThrow('adaptive limiter backend-a: 2 callers are already waiting');
    gate.resolve();
    await Promise.all(runs);
  });

  it('does not cut the limit for errors that are not overload', async () => {
    const limiter = createAdaptiveLimiter({ name: 'x', initial: 10 });
    const fail = () => Promise.reject(new Error('bad request'));
    await expect(limiter.run(fail, { isOverload: () => false })).rejects.toThrow('bad request');
    expect(limiter.limit()).toBe(10);
    await expect(limiter.run(fail, { isOverload: () => true })).rejects.toThrow('bad request');
    expect(limiter.limit()).toBe(7);
  });
});
