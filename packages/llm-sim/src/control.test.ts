import OpenAI, { type APIError } from 'openai';
import { clientFor, INSTANT, MODEL, simHarness } from './__tests__/helpers';

const harness = simHarness();
const hi = { model: MODEL, messages: [{ role: 'user' as const, content: 'hi' }] };

async function control(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/_sim/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('/_sim control API', () => {
  it('injects faults for the next N requests of a path and clears them', async () => {
    const sim = await harness.start(INSTANT);
    const client = clientFor(sim);
    const added = await control(sim.url, 'POST', 'faults', {
      status: 429,
      times: 2,
      retry_after: 3,
      path: 'chat',
    });
    expect(added.status).toBe(200);
    expect(added.body.faults).toEqual([{ status: 429, times: 2, retryAfter: 3, path: 'chat', remaining: 2 }]);

    const first = (await client.chat.completions.create(hi).catch((e: unknown) => e)) as APIError;
    expect(first).toBeInstanceOf(OpenAI.RateLimitError);
    expect(first.headers?.get('retry-after')).toBe('3');
    await expect(client.embeddings.create({ model: MODEL, input: 'x' })).resolves.toBeDefined();
    await expect(client.chat.completions.create(hi)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(client.chat.completions.create(hi)).resolves.toBeDefined();

    await control(sim.url, 'POST', 'faults', { status: 500, probability: 1 });
    await expect(client.chat.completions.create(hi)).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect((await control(sim.url, 'DELETE', 'faults')).body).toEqual({ faults: [] });
    await expect(client.chat.completions.create(hi)).resolves.toBeDefined();
  });

  it('rejects malformed fault rules with 400', async () => {
    const sim = await harness.start(INSTANT);
    expect((await control(sim.url, 'POST', 'faults', { status: 418 })).status).toBe(400);
    expect((await control(sim.url, 'POST', 'faults', { status: 500, probability: 3 })).status).toBe(400);
  });

  it('reads and changes the latency and fault settings', async () => {
    const sim = await harness.start({ ttftMs: 2_000, tokensPerSecond: 5 });
    const changed = await control(sim.url, 'POST', 'config', { ttftMs: 0, tokensPerSecond: 0, capacity: 3 });
    expect(changed.body).toMatchObject({ ttftMs: 0, tokensPerSecond: 0, capacity: 3 });
    expect((await control(sim.url, 'GET', 'config')).body).toMatchObject({ ttftMs: 0, capacity: 3 });
    const started = Date.now();
    await clientFor(sim).chat.completions.create(hi);
    expect(Date.now() - started).toBeLessThan(500);
    expect((await control(sim.url, 'POST', 'config', { capacity: 0 })).status).toBe(400);
    expect((await control(sim.url, 'POST', 'config', { nope: 1 })).status).toBe(400);
  });

  it('reports stats and resets them with the faults', async () => {
    const sim = await harness.start(INSTANT);
    const client = clientFor(sim);
    await client.chat.completions.create(hi);
    await client.embeddings.create({ model: MODEL, input: ['a', 'b'] });
    sim.injectFault({ status: 503 });
    await expect(client.chat.completions.create(hi)).rejects.toBeInstanceOf(OpenAI.InternalServerError);

    const stats = (await control(sim.url, 'GET', 'stats')).body;
    expect(stats).toMatchObject({
      requests: 3,
      completed: 2,
      errors: 1,
      errorsInjected: 1,
      inFlight: 0,
      queued: 0,
      maxInFlightSeen: 1,
      byPath: { chat: { requests: 2, completed: 1, errors: 1 }, embeddings: { requests: 1, completed: 1 } },
    });
    expect(stats.promptTokens).toBeGreaterThan(0);
    expect(stats.completionTokens).toBeGreaterThan(0);

    sim.injectFault({ status: 500, probability: 1 });
    expect((await control(sim.url, 'POST', 'reset')).status).toBe(200);
    expect(sim.stats()).toMatchObject({ requests: 0, completed: 0, errorsInjected: 0, promptTokens: 0 });
    await expect(client.chat.completions.create(hi)).resolves.toBeDefined();
  });

  it('answers unknown control routes with 404', async () => {
    const sim = await harness.start(INSTANT);
    expect((await control(sim.url, 'GET', 'nothing')).status).toBe(404);
  });
});
