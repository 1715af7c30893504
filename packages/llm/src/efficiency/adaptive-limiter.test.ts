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

/** Limit changes over time, to average the limit over a stretch of a run. */
function limitTrace() {
  const points: Array<[number, number]> = [];
  return {
    observe: (limit: number) => {
      if (points.at(-1)?.[1] !== limit) points.push([performance.now(), limit]);
    },
    /** Time-weighted average of the limit between `from` and `to` (performance.now() times). */
    average(from: number, to: number): number {
      let sum = 0;
      let current = points.filter(([t]) => t <= from).at(-1)?.[1] ?? points[0]?.[1] ?? 0;
      let at = from;
      for (const [t, limit] of points) {
        if (t <= from) continue;
        if (t >= to) break;
        sum += current * (t - at);
        current = limit;
        at = t;
      }
      sum += current * (to - at);
      return sum / (to - from);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('adaptive limiter against a continuous-batching backend', () => {
  let sim: LlmSim;
  let client: OpenAI;
  beforeEach(async () => {
    // Answers of 4 to 120 tokens take 270 to 850 ms: time per token varies 10-fold with length,
    // which is what misled a limiter judging time per token.
    sim = await startLlmSim({ ttftMs: 250, tokensPerSecond: 200, capacity: 16, maxQueue: 16 });
    client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'test', maxRetries: 0, timeout: 10_000 });
  });
  afterEach(() => sim.close());

  it('converges near the capacity under steady overload, and follows it when it drops and comes back', async () => {
    const trace = limitTrace();
    const limiter = createAdaptiveLimiter({ name: 'sim', initial: 4, observe: trace.observe });
    const lengths = [4, 8, 16, 32, 64, 120];
    let phase: 'load' | 'stop' = 'load';
    let calls = 0;
    let rateLimited = 0;
    // 96 callers, each sending one request after another: six times the capacity, all the time.
    const callers = Array.from({ length: 96 }, async (_, caller) => {
      for (let i = caller; phase === 'load'; i += 1) {
        const content = `[[sim:tokens=${lengths[i % lengths.length]}]]`;
        calls += 1;
        await limiter
          .run(
            () => client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content }] }),
            {
              isOverload: isRateLimited,
              size: (answer) => answer.usage?.completion_tokens,
            },
          )
          .catch((err) => {
            if (!isRateLimited(err)) throw err;
            rateLimited += 1;
          });
      }
    });
    // The simulator's own view of how full its batch is, sampled every 50 ms.
    const running: Array<[number, number]> = [];
    const sampler = setInterval(() => running.push([performance.now(), sim.stats().inFlight]), 50);
    const meanRunning = (from: number, to: number) => {
      const seen = running.filter(([t]) => t >= from && t < to).map(([, v]) => v);
      return seen.reduce((a, b) => a + b, 0) / seen.length;
    };

    const t0 = performance.now();
    await sleep(8_000);
    const t1 = performance.now();
    sim.configure({ capacity: 8 });
    await sleep(6_000);
    const t2 = performance.now();
    sim.configure({ capacity: 16 });
    await sleep(5_000);
    const t3 = performance.now();
    phase = 'stop';
    await Promise.all(callers);
    clearInterval(sampler);

    const atSixteen = trace.average(t0 + 5_000, t1);
    const atEight = trace.average(t1 + 3_500, t2);
    const atSixteenAgain = trace.average(t2 + 2_500, t3);
    // Near the capacity: the batch is kept full (the simulator runs at capacity nearly all the
    // time), with at most a short queue at the backend (tolerance 1.5: the limit moves between
    // about the capacity and 1.5× it).
    expect(atSixteen).toBeGreaterThanOrEqual(14);
    expect(atSixteen).toBeLessThanOrEqual(24);
    expect(meanRunning(t0 + 5_000, t1)).toBeGreaterThanOrEqual(14);
    // Capacity halved: the limit follows it down…
    expect(atEight).toBeGreaterThanOrEqual(7);
    expect(atEight).toBeLessThanOrEqual(12);
    expect(meanRunning(t1 + 3_500, t2)).toBeGreaterThanOrEqual(7);
    // …and back up when it returns.
    expect(atSixteenAgain).toBeGreaterThanOrEqual(14);
    expect(atSixteenAgain).toBeLessThanOrEqual(24);
    // No 429 storm: the simulator's queue (16 waiting) never overflowed, or only in a blip.
    expect(rateLimited).toBeLessThanOrEqual(calls * 0.02);
  }, 40_000);

  it('does not mistake a backend slower for everyone for a queue: a cut that does not help is undone', async () => {
    // Far more capacity than the limiter will use: whatever happens, nothing queues there.
    sim.configure({ ttftMs: 300, tokensPerSecond: 0, capacity: 1_000, maxQueue: 1_000 });
    const trace = limitTrace();
    const limiter = createAdaptiveLimiter({ name: 'sim', initial: 8, max: 24, observe: trace.observe });
    let phase: 'load' | 'stop' = 'load';
    const callers = Array.from({ length: 48 }, async () => {
      while (phase === 'load') {
        await limiter.run(
          () => client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
          { isOverload: isRateLimited, size: (answer) => answer.usage?.completion_tokens },
        );
      }
    });
    try {
      await waitFor(() => limiter.limit() === 24, 'the limit to reach its maximum', 10_000);
      // Three times slower for every call, however many are in flight (a slower model, a busy host).
      sim.configure({ ttftMs: 900 });
      const slower = performance.now();
      await sleep(9_000);
      // It may cut, but the cut does not make calls faster: it is undone, and the limit is back
      // at 24 most of the time, not at a third of it as a queue of ours would have it.
      expect(trace.average(slower + 5_000, performance.now())).toBeGreaterThanOrEqual(20);
    } finally {
      phase = 'stop';
      await Promise.all(callers);
    }
  }, 30_000);

  it('cuts the limit on 429s, once per generation', async () => {
    sim.configure({ ttftMs: 0, tokensPerSecond: 0, maxQueue: 1024 });
    const limiter = createAdaptiveLimiter({ name: 'sim', initial: 10 });
    const call = () =>
      limiter.run(
        () => client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
        { isOverload: isRateLimited },
      );
    // Ten concurrent 429s sent at the same limit cut it once.
    sim.injectFault({ status: 429, times: 10 });
    await Promise.all(Array.from({ length: 10 }, () => call().catch(() => undefined)));
    expect(limiter.limit()).toBe(7);
    // Each 429 of a call sent after the previous cut cuts it again.
    sim.injectFault({ status: 429, times: 3 });
    for (let i = 0; i < 3; i += 1) await expect(call()).rejects.toMatchObject({ status: 429 });
    expect(limiter.limit()).toBe(Math.floor(10 * 0.7 ** 4));
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
