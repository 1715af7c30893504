import type OpenAI from 'openai';
import type { EmbedFn, SummariseFn } from './options';

/**
 * `embed` over an OpenAI-compatible `/v1/embeddings`: all texts in one request (`input: [...]`).
 * `dimensions` (text-embedding-3 models and servers that support it) shortens the vectors:
 * 256 instead of 1536 cuts what each recall reads from Redis by six.
 */
export function embedWithOpenAi(client: OpenAI, opts: { model: string; dimensions?: number }): EmbedFn {
  return async (texts) => {
    const response = await client.embeddings.create({
      model: opts.model,
      input: texts,
      ...(opts.dimensions ? { dimensions: opts.dimensions } : {}),
    });
    // The API answers with an index per vector; order by it rather than trust the array order.
    return [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
  };
}

/**
 * `summarise` over chat completions. A low temperature: a summary should keep facts, not invent
 * them. `maxTokens` bounds the answer (give it somewhat more than the memory's `maxSummaryTokens`,
 * which trims what comes back).
 */
export function summariseWithOpenAi(
  client: OpenAI,
  opts: { model: string; maxTokens: number; temperature?: number },
): SummariseFn {
  return async (messages) => {
    const completion = await client.chat.completions.create({
      model: opts.model,
      messages,
      max_tokens: opts.maxTokens,
      temperature: opts.temperature ?? 0.2,
    });
    return completion.choices[0]?.message.content ?? '';
  };
}
