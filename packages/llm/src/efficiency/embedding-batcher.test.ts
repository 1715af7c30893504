import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import OpenAI from 'openai';
import { createEmbeddingBatcher, EmbeddingBatcherClosedError } from './embedding-batcher';

const MODEL = 'parley-sim-1';

describe('embedding batcher', () => {
  let sim: LlmSim;
  let client: OpenAI;
  const embeddingRequests = () => sim.stats().byPath.embeddings.requests;
  /** The embedding of one text, asked for on its own. */
  const direct = async (text: string, dimensions?: number) => {
    const response = await client.embeddings.create({
      model: MODEL,
      input: text,
      ...(dimensions ? { dimensions } : {}),
    });
    return response.data[0]?.embedding;
  };

  beforeAll(async () => {
    sim = await startLlmSim({ ttftMs: 0, tokensPerSecond: 0 });
    client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'test', maxRetries: 0, timeout: 10_000 });
  });
  afterEach(() => {
    sim.clearFaults();
    sim.resetStats();
  });
  afterAll(() => sim.close());

  it('sends 50 concurrent embed() calls as one request and gives each caller its own vector', async () => {
    const batcher = createEmbeddingBatcher(client, { model: MODEL });
    const texts = Array.from({ length: 50 }, (_, i) => `message number ${i} about topic ${i % 7}`);
    const vectors = await Promise.all(texts.map((t) => batcher.embed(t)));
    expect(embeddingRequests()).toBeLessThanOrEqual(2);

    const expected = await Promise.all(texts.map((t) => direct(t)));
    expect(vectors).toEqual(expected);
    expect(new Set(vectors.map((v) => JSON.stringify(v))).size).toBe(50);
    await batcher.close();
  });

  it('sends a full batch at once, and the rest when the oldest has waited maxWaitMs', async () => {
    const batcher = createEmbeddingBatcher(client, { model: MODEL, maxBatchSize: 4, maxWaitMs: 300 });
    const texts = ['a one', 'b two', 'c three', 'd four', 'e five', 'f six'];
    const started = Date.now();
    const calls = texts.map((t) => batcher.embed(t));
    const firstFour = await Promise.all(calls.slice(0, 4));
    expect(Date.now() - started).toBeLessThan(250);
    expect(embeddingRequests()).toBe(1);
    const lastTwo = await Promise.all(calls.slice(4));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(embeddingRequests()).toBe(2);
    expect([...firstFour, ...lastTwo]).toEqual(await Promise.all(texts.map((t) => direct(t))));
    await batcher.close();
  });

  it('sends a full batch without waiting for maxWaitMs', async () => {
    const batcher = createEmbeddingBatcher(client, { model: MODEL, maxBatchSize: 3, maxWaitMs: 60_000 });
    const vectors = await batcher.embedMany(['x', 'y', 'z']);
    expect(vectors).toHaveLength(3);
    expect(embeddingRequests()).toBe(1);
    await batcher.close();
  });

  it('passes dimensions', async () => {
    const batcher = createEmbeddingBatcher(client, { model: MODEL, dimensions: 32 });
    const [a, b] = await Promise.all([batcher.embed('hello world'), batcher.embed('good bye')]);
    expect(a).toHaveLength(32);
    expect(b).toEqual(await direct('good bye', 32));
    await batcher.close();
  });

  it('rejects only the calls of a failed batch', async () => {
    const batcher = createEmbeddingBatcher(client, { model: MODEL, maxBatchSize: 2, maxWaitMs: 60_000 });
    // The directive makes the simulator answer 500 to the request that carries it, whichever
    // of the two concurrent requests arrives first.
    const failed = batcher.embedMany(['one [[sim:error=500]]', 'two']);
    const ok = batcher.embedMany(['three', 'four']);
    await expect(failed).rejects.toMatchObject({ status: 500 });
    await expect(ok).resolves.toEqual([await direct('three'), await direct('four')]);
    await batcher.close();
  });

  it('refuses an empty text on its own instead of failing the batch it would join', async () => {
    const batcher = createEmbeddingBatcher(client, { model: MODEL });
    const [empty, fine] = await Promise.allSettled([batcher.embed(''), batcher.embed('fine')]);
    expect(empty).toMatchObject({ status: 'rejected', reason: expect.any(RangeError) });
    expect(fine).toEqual({ status: 'fulfilled', value: await direct('fine') });
    await batcher.close();
  });

  it('close() sends what is pending, waits for it, then refuses new texts', async () => {
    const batcher = createEmbeddingBatcher(client, { model: MODEL, maxWaitMs: 60_000 });
    const pending = batcher.embedMany(['left', 'behind']);
    await batcher.close();
    // close() resolved only after the pending batch had been answered.
    expect(sim.stats().byPath.embeddings).toMatchObject({ requests: 1, completed: 1 });
    expect(await pending).toEqual([await direct('left'), await direct('behind')]);
    await expect(batcher.embed('late')).rejects.toBeInstanceOf(EmbeddingBatcherClosedError);
  });
});
