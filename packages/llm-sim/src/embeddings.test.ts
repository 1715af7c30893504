import OpenAI from 'openai';
import { clientFor, INSTANT, MODEL, simHarness } from './__tests__/helpers';
import { cosineSimilarity, embedText } from './embed';

const harness = simHarness();

describe('POST /v1/embeddings', () => {
  it('gives the SDK (which asks for base64 by default) float arrays of the configured length', async () => {
    const sim = await harness.start({ ...INSTANT, embeddingDimensions: 64 });
    const result = await clientFor(sim).embeddings.create({ model: MODEL, input: 'hello world' });
    const vector = result.data[0]?.embedding ?? [];
    expect(result.object).toBe('list');
    expect(result.model).toBe(MODEL);
    expect(vector).toHaveLength(64);
    expect(vector.every((x) => typeof x === 'number' && Number.isFinite(x))).toBe(true);
    // float32 on the wire, so compare with the float32-rounded reference.
    expect(vector).toEqual(embedText('hello world', 64).map(Math.fround));
    expect(result.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  it('answers plain floats when encoding_format is float', async () => {
    const sim = await harness.start(INSTANT);
    const result = await clientFor(sim).embeddings.create({
      model: MODEL,
      input: 'hello world',
      encoding_format: 'float',
      dimensions: 32,
    });
    expect(result.data[0]?.embedding).toEqual(embedText('hello world', 32));
  });

  it('keeps batch order and makes similar texts closer than unrelated ones', async () => {
    const sim = await harness.start(INSTANT);
    const inputs = [
      'the cat sat on the mat',
      'quarterly revenue exceeded forecasts',
      'the cat sat on the mat',
      'a cat sat on a mat',
    ];
    const result = await clientFor(sim).embeddings.create({ model: MODEL, input: inputs });
    expect(result.data.map((d) => d.index)).toEqual([0, 1, 2, 3]);
    const [cat, revenue, catAgain, similar] = result.data.map((d) => d.embedding) as [
      number[],
      number[],
      number[],
      number[],
    ];
    expect(result.data.map((d) => d.embedding)).toEqual(
      inputs.map((text) => embedText(text).map(Math.fround)),
    );
    expect(catAgain).toEqual(cat);
    expect(cosineSimilarity(cat, similar)).toBeGreaterThan(cosineSimilarity(cat, revenue));
  });

  it('rejects token arrays and empty input with 400', async () => {
    const sim = await harness.start(INSTANT);
    const client = clientFor(sim);
    await expect(client.embeddings.create({ model: MODEL, input: [1, 2, 3] })).rejects.toMatchObject({
      status: 400,
      param: 'input',
    });
    await expect(client.embeddings.create({ model: MODEL, input: '' })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
  });

  it('answers 404 for an unknown model', async () => {
    const sim = await harness.start(INSTANT);
    await expect(
      clientFor(sim).embeddings.create({ model: 'text-embedding-3-small', input: 'x' }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
