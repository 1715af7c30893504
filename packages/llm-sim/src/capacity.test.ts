import OpenAI from 'openai';
import { clientFor, MODEL, simHarness, waitFor } from './__tests__/helpers';

const harness = simHarness();
const hi = { model: MODEL, messages: [{ role: 'user' as const, content: 'hi' }] };
const long = { model: MODEL, messages: [{ role: 'user' as const, content: '[[sim:tokens=400]]' }] };

describe('capacity and queueing', () => {
  it('runs at most `capacity` requests at once and queues the rest FIFO', async () => {
    const round = 200;
    const sim = await harness.start({ ttftMs: round, tokensPerSecond: 0, capacity: 2 });
    const client = clientFor(sim);
    // A first request pays for the connection and the code paths warming up: not what is timed.
    await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'warm-up' }] });
    sim.resetStats();
    const started = Date.now();
    const finishedAt: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        client.chat.completions
          .create({ model: MODEL, messages: [{ role: 'user', content: `request ${i}` }] })
          .then(() => finishedAt.push(Date.now() - started)),
      ),
    );
    const elapsed = Date.now() - started;
    expect(sim.stats()).toMatchObject({ maxInFlightSeen: 2, completed: 6, inFlight: 0, queued: 0 });
    // Three rounds of 200 ms: clearly more than two, clearly less than four.
    expect(elapsed).toBeGreaterThanOrEqual(3 * round - 20);
    expect(elapsed).toBeLessThan(4 * round + 300);
    expect(finishedAt.filter((t) => t < round * 1.5)).toHaveLength(2);
  });

  it('a client abort frees its slot for the next request', async () => {
    const sim = await harness.start({ ttftMs: 0, tokensPerSecond: 20, capacity: 1 });
    const client = clientFor(sim);
    const controller = new AbortController();
    // 400 tokens at 20/s would hold the only slot for 20 s.
    const stream = await client.chat.completions.create(
      { ...long, stream: true },
      { signal: controller.signal },
    );
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break; // breaking out of the loop aborts the request
    }
    await waitFor(() => sim.stats().inFlight === 0, 'the slot to be released');
    const started = Date.now();
    await client.chat.completions.create({ ...hi, max_tokens: 1 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(sim.stats().aborted).toBe(1);
  });

  it('a request aborted while queued leaves the queue', async () => {
    const sim = await harness.start({ ttftMs: 0, tokensPerSecond: 20, capacity: 1 });
    const client = clientFor(sim);
    const holder = new AbortController();
    const holding = client.chat.completions.create(long, { signal: holder.signal }).catch(() => undefined);
    await waitFor(() => sim.stats().inFlight === 1, 'the first request to be admitted');
    const waiter = new AbortController();
    const queued = client.chat.completions.create(hi, { signal: waiter.signal });
    await waitFor(() => sim.stats().queued === 1, 'the second request to queue');
    waiter.abort();
    await expect(queued).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    await waitFor(() => sim.stats().queued === 0, 'the aborted waiter to leave the queue');
    holder.abort();
    await holding;
    await waitFor(() => sim.stats().inFlight === 0, 'the slot to be released');
  });

  it('answers 429 rate_limit_exceeded when the queue is full', async () => {
    const sim = await harness.start({ ttftMs: 0, tokensPerSecond: 20, capacity: 1, maxQueue: 1 });
    const client = clientFor(sim);
    const controller = new AbortController();
    const pending = [
      client.chat.completions.create(long, { signal: controller.signal }).catch(() => undefined),
      client.chat.completions.create(long, { signal: controller.signal }).catch(() => undefined),
    ];
    await waitFor(() => sim.stats().queued === 1, 'one running and one queued');
    const refused = client.chat.completions.create(hi);
    await expect(refused).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(refused).rejects.toMatchObject({ code: 'rate_limit_exceeded' });
    expect(sim.stats().rejected).toBe(1);
    controller.abort();
    await Promise.all(pending);
  });

  it('configure() changes latency and capacity at runtime', async () => {
    const sim = await harness.start({ ttftMs: 1_000, tokensPerSecond: 0, capacity: 1 });
    sim.configure({ ttftMs: 0, tokensPerSecond: Number.POSITIVE_INFINITY, capacity: 4 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 4 }, () => clientFor(sim).chat.completions.create(hi)));
    expect(Date.now() - started).toBeLessThan(500);
    expect(sim.stats().maxInFlightSeen).toBeLessThanOrEqual(4);
    expect(() => sim.configure({ capacity: 0 })).toThrow(RangeError);
  });
});
