import { applyFaults, directedError, requireModel, type SimContext } from './context';
import { parseDirectives } from './directives';
import { type Generation, runGeneration } from './generation';
import type { Call } from './http';
import { newId, nowSeconds, SYSTEM_FINGERPRINT } from './ids';
import { messageText, type SimMessage } from './messages';
import { answerFor } from './responder';
import { chatRequestSchema, parseRequest } from './schemas';

/** `POST /v1/chat/completions`. */
export async function handleChatCompletions(sim: SimContext, call: Call): Promise<void> {
  const request = parseRequest(chatRequestSchema, call.body);
  const { model } = request;
  requireModel(sim, model);
  await applyFaults(sim, 'chat', model, call.signal);

  const messages = request.messages as readonly SimMessage[];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const directives = parseDirectives(lastUser === undefined ? '' : messageText(lastUser));
  if (directives.errorStatus !== undefined) directedError(sim, directives.errorStatus, model);

  const answer = answerFor({
    model,
    messages,
    maxTokens: request.max_completion_tokens ?? request.max_tokens,
    leakSystemPrompt: sim.settings.leakSystemPrompt,
  });
  const n = request.n ?? 1;
  const id = newId('chatcmpl-');
  const created = nowSeconds();
  const includeUsage = request.stream_options?.include_usage === true;
  // OpenAI puts `usage: null` on every chunk but the last when usage was asked for.
  const usageField = includeUsage ? { usage: null } : {};
  const chunk = (choices: unknown[]) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
    ...usageField,
  });
  const indexes = Array.from({ length: n }, (_, i) => i);

  const generation: Generation = {
    model,
    choices: indexes.map(() => ({
      tokens: answer.tokens,
      finishReason: answer.finishReason,
      delayMs: directives.delayMs ?? 0,
    })),
    promptTokens: answer.promptTokens,
    stream: request.stream === true,
    includeUsage,
    body: (usage) => ({
      id,
      object: 'chat.completion',
      created,
      model,
      choices: indexes.map((index) => ({
        index,
        message: { role: 'assistant', content: answer.content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: answer.finishReason,
      })),
      usage,
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
    }),
    chunks: {
      opening: (index) => [
        chunk([
          {
            index,
            delta: { role: 'assistant', content: '', refusal: null },
            logprobs: null,
            finish_reason: null,
          },
        ]),
      ],
      content: (index, text) =>
        chunk([{ index, delta: { content: text }, logprobs: null, finish_reason: null }]),
      finish: (index, finishReason) =>
        chunk([{ index, delta: {}, logprobs: null, finish_reason: finishReason }]),
      usage: (usage) => ({ ...chunk([]), usage }),
    },
  };
  await runGeneration(sim, call, generation);
}
