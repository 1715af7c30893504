import { applyFaults, directedError, requireModel, type SimContext } from './context';
import { parseDirectives } from './directives';
import { type Generation, type PlannedChoice, runGeneration } from './generation';
import type { Call } from './http';
import { newId, nowSeconds, SYSTEM_FINGERPRINT } from './ids';
import { answerFor } from './responder';
import { completionRequestSchema, parseRequest, rejectTokenArrays } from './schemas';
import { countTokens } from './tokens';

/** OpenAI's (and vLLM's) `max_tokens` default for the legacy endpoint. */
export const LEGACY_DEFAULT_MAX_TOKENS = 16;

/**
 * `POST /v1/completions`, the legacy endpoint. An array `prompt` is answered with one choice per
 * prompt (`index` = position, times `n`), the "prompt batching" some servers offer; each prompt
 * is answered as a one-message chat.
 */
export async function handleCompletions(sim: SimContext, call: Call): Promise<void> {
  rejectTokenArrays(call.body, 'prompt');
  const request = parseRequest(completionRequestSchema, call.body);
  const { model } = request;
  requireModel(sim, model);
  await applyFaults(sim, 'completions', model, call.signal);

  const prompts = typeof request.prompt === 'string' ? [request.prompt] : request.prompt;
  const directives = prompts.map(parseDirectives);
  const status = directives.find((d) => d.errorStatus !== undefined)?.errorStatus;
  if (status !== undefined) directedError(sim, status, model);

  const n = request.n ?? 1;
  const maxTokens = request.max_tokens ?? LEGACY_DEFAULT_MAX_TOKENS;
  const choices: PlannedChoice[] = [];
  for (const text of prompts) {
    const answer = answerFor({ model, messages: [{ role: 'user', content: text }], maxTokens });
    for (let i = 0; i < n; i++) choices.push({ tokens: answer.tokens, finishReason: answer.finishReason });
  }
  const id = newId('cmpl-');
  const created = nowSeconds();
  const chunk = (choicesOfChunk: unknown[]) => ({
    id,
    object: 'text_completion',
    created,
    model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: choicesOfChunk,
  });

  const generation: Generation = {
    model,
    choices,
    promptTokens: prompts.reduce((sum, text) => sum + countTokens(text), 0),
    extraDelayMs: Math.max(0, ...directives.map((d) => d.delayMs ?? 0)),
    stream: request.stream === true,
    includeUsage: request.stream_options?.include_usage === true,
    body: (usage) => ({
      ...chunk(
        choices.map((choice, index) => ({
          text: choice.tokens.join(''),
          index,
          logprobs: null,
          finish_reason: choice.finishReason,
        })),
      ),
      usage,
    }),
    chunks: {
      opening: () => [],
      content: (index, text) => chunk([{ text, index, logprobs: null, finish_reason: null }]),
      finish: (index, finishReason) =>
        chunk([{ text: '', index, logprobs: null, finish_reason: finishReason }]),
      usage: (usage) => ({ ...chunk([]), usage }),
    },
  };
  await runGeneration(sim, call, generation);
}
