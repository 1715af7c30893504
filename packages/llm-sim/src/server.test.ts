import OpenAI from 'openai';
import { clientFor, INSTANT, MODEL, simHarness } from './__tests__/helpers';
import { startLlmSim } from './server';

const harness = simHarness();

describe('models', () => {
  it('lists the configured models and retrieves one (ids may contain slashes)', async () => {
    const sim = await harness.start({ ...INSTANT, models: ['parley-sim-1', 'org/big-model'] });
    const client = clientFor(sim);
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['parley-sim-1', 'org/big-model']);
    const model = await client.models.retrieve('org/big-model');
    expect(model).toMatchObject({ id: 'org/big-model', object: 'model', owned_by: 'parley-sim' });
    expect(typeof model.created).toBe('number');
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('auth', () => {
  it('requires the configured key and answers 401 invalid_api_key otherwise', async () => {
    const sim = await harness.start({ ...INSTANT, apiKey: 'sk-right-key-1234' });
    const wrong = clientFor(sim, { apiKey: 'sk-wrong-key-9999' }).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(wrong).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(wrong).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
      type: 'invalid_request_error',
      message: expect.stringContaining('Incorrect API key provided: sk-...9999.'),
    });
    const right = await clientFor(sim, { apiKey: 'sk-right-key-1234' }).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(right.choices[0]?.message.content).toBe('Hello! How can I help you today? (turn 1)');

    const missing = await fetch(`${sim.baseURL}/models`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('accepts any key when none is configured', async () => {
    const sim = await harness.start(INSTANT);
    const res = await fetch(`${sim.baseURL}/models`);
    expect(res.status).toBe(200);
  });
});

describe('routing', () => {
  it('answers unknown routes and wrong methods with a 404 in OpenAI shape', async () => {
    const sim = await harness.start(INSTANT);
    const unknown = await fetch(`${sim.baseURL}/assistants`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: {
        message: 'Invalid URL (POST /v1/assistants)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    const wrongMethod = await fetch(`${sim.baseURL}/chat/completions`);
    expect(wrongMethod.status).toBe(404);
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
  });

  it('exposes url and baseURL', async () => {
    const sim = await harness.start(INSTANT);
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.baseURL).toBe(`${sim.url}/v1`);
  });
});

describe('startLlmSim', () => {
  it('rejects invalid options', async () => {
    await expect(startLlmSim({ capacity: 0 })).rejects.toThrow(/capacity/);
    await expect(startLlmSim({ errorRate: 2 })).rejects.toThrow(/errorRate/);
    await expect(startLlmSim({ models: [] })).rejects.toThrow(/models/);
  });

  it('close() ends streams in progress', async () => {
    const sim = await startLlmSim({ ttftMs: 0, tokensPerSecond: 10 });
    const stream = await clientFor(sim).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: '[[sim:tokens=1000]]' }],
      stream: true,
    });
    const started = Date.now();
    const reading = (async () => {
      for await (const _chunk of stream) {
        // drain until the server goes away
      }
    })();
    await sim.close();
    await expect(reading).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
