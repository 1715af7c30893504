import { clientFor, INSTANT, MODEL, simHarness } from './__tests__/helpers';
import { answerFor } from './responder';
import { countTokens } from './tokens';

const harness = simHarness();

describe('POST /v1/completions', () => {
  it('answers one choice per prompt of an array, in order, with summed usage', async () => {
    const sim = await harness.start(INSTANT);
    const prompts = ['hello', 'my name is Zed', 'what is the time'];
    const result = await clientFor(sim).completions.create({
      model: MODEL,
      prompt: prompts,
      max_tokens: 100,
    });
    expect(result.object).toBe('text_completion');
    expect(result.id).toMatch(/^cmpl-/);
    expect(result.choices.map((c) => [c.index, c.text, c.finish_reason])).toEqual([
      [0, 'Hello! How can I help you today? (turn 1)', 'stop'],
      [1, 'Nice to meet you, Zed! (turn 1)', 'stop'],
      [2, 'You said: "what is the time". (turn 1)', 'stop'],
    ]);
    const completionTokens = prompts
      .map((prompt) => answerFor({ messages: [{ role: 'user', content: prompt }] }).completionTokens)
      .reduce((a, b) => a + b);
    const promptTokens = prompts.map(countTokens).reduce((a, b) => a + b);
    expect(result.usage).toMatchObject({
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    });
  });

  it('defaults max_tokens to 16 like OpenAI', async () => {
    const sim = await harness.start(INSTANT);
    const result = await clientFor(sim).completions.create({ model: MODEL, prompt: '[[sim:tokens=40]]' });
    expect(result.choices[0]?.finish_reason).toBe('length');
    expect(result.usage?.completion_tokens).toBe(16);
  });

  it('streams text_completion chunks per prompt', async () => {
    const sim = await harness.start(INSTANT);
    const stream = await clientFor(sim).completions.create({
      model: MODEL,
      prompt: ['hi', 'remember the keys'],
      max_tokens: 50,
      stream: true,
    });
    const texts = ['', ''];
    const finishes: Array<string | null> = [null, null];
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        texts[choice.index] += choice.text;
        if (choice.finish_reason) finishes[choice.index] = choice.finish_reason;
      }
    }
    expect(texts).toEqual(['Hello! How can I help you today? (turn 1)', "I'll remember: the keys. (turn 1)"]);
    expect(finishes).toEqual(['stop', 'stop']);
  });

  it('rejects token-id prompts', async () => {
    const sim = await harness.start(INSTANT);
    await expect(clientFor(sim).completions.create({ model: MODEL, prompt: [[1, 2]] })).rejects.toMatchObject(
      {
        status: 400,
        param: 'prompt',
      },
    );
  });
});
