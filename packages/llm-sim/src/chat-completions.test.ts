import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { clientFor, INSTANT, MODEL, simHarness } from './__tests__/helpers';
import { answerFor } from './responder';
import { encodePng, pngDataUrl } from './vision/png-encode';

const harness = simHarness();

async function collect(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const content = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
  return { chunks, content };
}

describe('POST /v1/chat/completions', () => {
  it('answers a full chat.completion object', async () => {
    const sim = await harness.start(INSTANT);
    const completion = await clientFor(sim).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Hello there' }],
      user: 'user-1',
      temperature: 0.7,
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: MODEL,
      system_fingerprint: expect.any(String),
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello! How can I help you today? (turn 1)', refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.created).toBeCloseTo(Date.now() / 1000, -1);
    const expected = answerFor({ messages: [{ role: 'user', content: 'Hello there' }] });
    expect(completion.usage).toMatchObject({
      prompt_tokens: expected.promptTokens,
      completion_tokens: expected.completionTokens,
      total_tokens: expected.promptTokens + expected.completionTokens,
    });
  });

  it('streams the same content in several chunks, then finish reason, usage and [DONE]', async () => {
    const sim = await harness.start({ ttftMs: 0, tokensPerSecond: 2000 });
    const client = clientFor(sim);
    const messages: ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Please repeat this rather long sentence back to me, word for word.' },
    ];
    const whole = await client.chat.completions.create({ model: MODEL, messages });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const { chunks, content } = await collect(stream);

    expect(content).toBe(whole.choices[0]?.message.content);
    expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: 'assistant', content: '' });
    const contentChunks = chunks.filter((c) => (c.choices[0]?.delta.content ?? '') !== '');
    expect(contentChunks.length).toBeGreaterThan(3);
    const finish = chunks.at(-2);
    expect(finish?.choices[0]?.finish_reason).toBe('stop');
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual(whole.usage);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0]?.id)).toBe(true);
  });

  it('omits the usage chunk unless include_usage is set', async () => {
    const sim = await harness.start(INSTANT);
    const stream = await clientFor(sim).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const { chunks } = await collect(stream);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it('carries the conversation: name recall across turns, through the SDK', async () => {
    const sim = await harness.start(INSTANT);
    const client = clientFor(sim);
    const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: 'Be brief.' }];
    const say = async (text: string) => {
      messages.push({ role: 'user', content: text });
      const answer = await client.chat.completions.create({ model: MODEL, messages });
      const content = answer.choices[0]?.message.content ?? '';
      messages.push({ role: 'assistant', content });
      return content;
    };
    expect(await say('My name is Grace.')).toBe('Nice to meet you, Grace! (turn 1)');
    expect(await say('It is sunny today')).toBe('You said: "It is sunny today". (turn 2)');
    expect(await say("What's my name?")).toBe('Your name is Grace. (turn 3)');
    expect(await say('What did I say first?')).toBe('You first said: "My name is Grace.". (turn 4)');
  });

  it('prefixes answers with the persona named in the system prompt', async () => {
    const sim = await harness.start(INSTANT);
    const client = clientFor(sim);
    const ask = async (system: string) =>
      (
        await client.chat.completions.create({
          model: MODEL,
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: 'hello' },
          ],
        })
      ).choices[0]?.message.content;
    expect(await ask('You are Jarvis, a butler.')).toBe('Jarvis: Hello! How can I help you today? (turn 1)');
    expect(await ask('You are Friday.')).toBe('Friday: Hello! How can I help you today? (turn 1)');
  });

  it('truncates at max_tokens / max_completion_tokens with finish_reason length', async () => {
    const sim = await harness.start(INSTANT);
    const client = clientFor(sim);
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'a fairly long message here' }];
    const cut = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 3 });
    expect(cut.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'You said: "a' } });
    expect(cut.usage?.completion_tokens).toBe(3);

    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_completion_tokens: 2,
      stream: true,
    });
    const { chunks, content } = await collect(stream);
    expect(content).toBe('You said');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('length');
  });

  it('generates exactly N tokens for [[sim:tokens=N]]', async () => {
    const sim = await harness.start(INSTANT);
    const answer = await clientFor(sim).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'write a lot [[sim:tokens=3000]]' }],
    });
    expect(answer.usage?.completion_tokens).toBe(3000);
    expect(answer.choices[0]?.message.content).toHaveLength(12_000);
  });

  it('returns n identical choices', async () => {
    const sim = await harness.start(INSTANT);
    const answer = await clientFor(sim).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      n: 2,
    });
    expect(answer.choices.map((c) => c.index)).toEqual([0, 1]);
    expect(answer.choices[1]?.message.content).toBe(answer.choices[0]?.message.content);
  });

  it('accepts content part arrays, tool messages and assistant tool calls', async () => {
    const sim = await harness.start(INSTANT);
    const answer = await clientFor(sim).chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'and this picture' },
            { type: 'image_url', image_url: { url: pngDataUrl(encodePng(4, 4, () => [0, 0, 255])) } },
          ],
        },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe(
      'You said: "and this picture" and sent 1 image: a 4×4 PNG image whose main colour is blue (#0000ff, 100% of the pixels). (turn 2)',
    );
  });

  it('rejects invalid requests with 400 and the offending param', async () => {
    const sim = await harness.start(INSTANT);
    const client = clientFor(sim);
    const missing = client.chat.completions.create({ model: MODEL } as never);
    await expect(missing).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(missing).rejects.toMatchObject({
      status: 400,
      param: 'messages',
      code: 'missing_required_parameter',
      type: 'invalid_request_error',
    });
    await expect(client.chat.completions.create({ model: MODEL, messages: [] })).rejects.toMatchObject({
      status: 400,
      param: 'messages',
    });
    await expect(
      client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'x' }],
        max_tokens: 0,
      }),
    ).rejects.toMatchObject({ status: 400, param: 'max_tokens' });
    await expect(
      client.chat.completions.create({ model: MODEL, messages: [{ role: 'robot', content: 'x' }] as never }),
    ).rejects.toMatchObject({ status: 400, param: 'messages[0].role' });
  });

  it('rejects a body that is not JSON', async () => {
    const sim = await harness.start(INSTANT);
    const res = await fetch(`${sim.baseURL}/chat/completions`, { method: 'POST', body: '{nope' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('answers 404 model_not_found for an unknown model', async () => {
    const sim = await harness.start(INSTANT);
    const call = clientFor(sim).chat.completions.create({
      model: 'gpt-missing',
      messages: [{ role: 'user', content: 'x' }],
    });
    await expect(call).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(call).rejects.toMatchObject({
      code: 'model_not_found',
      error: {
        message: 'The model `gpt-missing` does not exist or you do not have access to it.',
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      },
    });
  });

  it('waits the time to first token plus generation time', async () => {
    const sim = await harness.start({ ttftMs: 150, tokensPerSecond: 100 });
    const started = Date.now();
    const answer = await clientFor(sim).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: '[[sim:tokens=20]]' }],
    });
    const elapsed = Date.now() - started;
    expect(answer.usage?.completion_tokens).toBe(20);
    // 150 ms + 20 tokens at 100/s = 350 ms.
    expect(elapsed).toBeGreaterThanOrEqual(330);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('adds [[sim:delay=MS]] to the latency', async () => {
    const sim = await harness.start(INSTANT);
    const started = Date.now();
    await clientFor(sim).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'slow please [[sim:delay=300]]' }],
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});
