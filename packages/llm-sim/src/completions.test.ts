import { clientFor, INSTANT, MODEL, simHarness, waitFor } from './__tests__/helpers';
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

  it('numbers choices prompt × n + choice, as vLLM does', async () => {
    const sim = await harness.start(INSTANT);
    const result = await clientFor(sim).completions.create({
      model: MODEL,
      prompt: ['hello', 'my name is Zed'],
      n: 2,
      max_tokens: 100,
    });
    expect(result.choices.map((c) => [c.index, c.text])).toEqual([
      [0, 'Hello! How can I help you today? (turn 1)'],
      [1, 'Hello! How can I help you today? (turn 1)'],
      [2, 'Nice to meet you, Zed! (turn 1)'],
      [3, 'Nice to meet you, Zed! (turn 1)'],
    ]);
    // Prompt tokens count each prompt once, whatever n.
    expect(result.usage?.prompt_tokens).toBe(countTokens('hello') + countTokens('my name is Zed'));
  });

  it('answers a prompt rendered with a chat template as the conversation it encodes', async () => {
    const sim = await harness.start(INSTANT);
    const chatml =
      '<|im_start|>system\nYou are Marvin.<|im_end|>\n<|im_start|>user\nmy name is Ada<|im_end|>\n' +
      '<|im_start|>assistant\nNice to meet you, Ada!<|im_end|>\n<|im_start|>user\nwhat is my name?<|im_end|>\n' +
      '<|im_start|>assistant\n';
    const llama3 =
      '<|start_header_id|>user<|end_header_id|>\n\nremember the keys<|eot_id|>' +
      '<|start_header_id|>assistant<|end_header_id|>\n\n';
    const result = await clientFor(sim).completions.create({
      model: MODEL,
      prompt: [chatml, llama3, 'plain <|im_start|> text'],
      max_tokens: 100,
    });
    expect(result.choices.map((c) => c.text)).toEqual([
      'Marvin: Your name is Ada. (turn 2)',
      "I'll remember: the keys. (turn 1)",
      'You said: "plain <|im_start|> text". (turn 1)',
    ]);
  });

  it('schedules each prompt as a sequence: capacity counts prompts, a short answer frees its slot early', async () => {
    // 10 tokens/s: a 1-token answer holds its slot 100 ms, a 6-token answer 600 ms.
    const sim = await harness.start({ ttftMs: 0, tokensPerSecond: 10, capacity: 2 });
    const started = Date.now();
    const pending = clientFor(sim).completions.create({
      model: MODEL,
      prompt: ['[[sim:tokens=6]]', '[[sim:tokens=1]]', '[[sim:tokens=1]]', '[[sim:tokens=1]]'],
      max_tokens: 100,
    });
    await waitFor(() => sim.stats().inFlight === 2, 'two sequences admitted');
    expect(sim.stats().queued).toBe(2);
    const result = await pending;
    const elapsed = Date.now() - started;
    expect(result.choices.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(sim.stats()).toMatchObject({ maxInFlightSeen: 2, requests: 1, completed: 1 });
    // The three short sequences run one after another in the second slot while the long one
    // runs in the first: about 600 ms, not the 1200 ms of two rounds of the longest.
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('refuses with 429 a batch whose waiting prompts do not fit in the queue', async () => {
    const sim = await harness.start({ ttftMs: 0, tokensPerSecond: 10, capacity: 1, maxQueue: 2 });
    const refused = clientFor(sim).completions.create({ model: MODEL, prompt: ['a', 'b', 'c', 'd'] });
    await expect(refused).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect(sim.stats()).toMatchObject({ rejected: 1, inFlight: 0, queued: 0 });
  });
});
