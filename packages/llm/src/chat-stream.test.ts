import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import { completeChat } from './chat';
import { createLlmClient } from './client';

describe('streamed chat completions', () => {
  let sim: LlmSim;
  beforeAll(async () => {
    sim = await startLlmSim({ ttftMs: 0, tokensPerSecond: 200 });
  });
  afterAll(() => sim.close());

  it('reports the growing text and resolves with the same result as a plain call', async () => {
    const client = createLlmClient({ baseURL: sim.baseURL, timeoutMs: 10_000, maxRetries: 0 });
    const params = { model: 'parley-sim-1', temperature: 0, maxTokens: 200 };
    const messages = [{ role: 'user' as const, content: 'tell me a story [[sim:tokens=40]]' }];
    const seen: string[] = [];
    const streamed = await completeChat(client, params, messages, undefined, (t) => seen.push(t));
    const plain = await completeChat(client, params, messages);
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.startsWith(seen[i - 1] ?? '')).toBe(true);
    expect(seen.at(-1)).toBe(streamed.text);
    expect(streamed.text).toBe(plain.text);
    expect(streamed.finishReason).toBe(plain.finishReason);
    // Usage comes in the stream's last chunk (stream_options.include_usage).
    expect(streamed.completionTokens).toBe(plain.completionTokens);
    expect(streamed.completionTokens).toBeGreaterThan(0);
  });
});
