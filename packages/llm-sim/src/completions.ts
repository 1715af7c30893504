import { decodeChatPrompt } from './chat-prompt';
import { applyFaults, directedError, requireModel, type SimContext } from './context';
import { parseDirectives, type SimDirectives } from './directives';
import { type Generation, type PlannedChoice, runGeneration } from './generation';
import type { Call } from './http';
import { newId, nowSeconds, SYSTEM_FINGERPRINT } from './ids';
import { messageText, type SimMessage } from './messages';
import { answerFor } from './responder';
import { completionRequestSchema, parseRequest, rejectTokenArrays } from './schemas';
import { countTokens } from './tokens';

/** OpenAI's (and vLLM's) `max_tokens` default for the legacy endpoint. */
export const LEGACY_DEFAULT_MAX_TOKENS = 16;

/**
 * `POST /v1/completions`, the legacy endpoint, with prompt arrays as vLLM takes them: one choice
 * per prompt and per `n`, choice `index` = prompt position × n + choice number, usage summed
 * (each prompt's tokens counted once). Each prompt is one or `n` sequences for the scheduler. A
 * prompt rendered with a chat template (ChatML, Llama 3) is answered as the conversation it
 * encodes; any other prompt as a one-message chat.
 */
export async function handleCompletions(sim: SimContext, call: Call): Promise<void> {
  rejectTokenArrays(call.body, 'prompt');
  const request = parseRequest(completionRequestSchema, call.body);
  const { model } = request;
  requireModel(sim, model);
  await applyFaults(sim, 'completions', model, call.signal);

  const prompts = typeof request.prompt === 'string' ? [request.prompt] : request.prompt;
  const conversations = prompts.map(conversationOf);
  const directives = conversations.map((c) => c.directives);
  const status = directives.find((d) => d.errorStatus !== undefined)?.errorStatus;
  if (status !== undefined) directedError(sim, status, model);

  const n = request.n ?? 1;
  const maxTokens = request.max_tokens ?? LEGACY_DEFAULT_MAX_TOKENS;
  const choices: PlannedChoice[] = [];
  for (const { messages, directives: asked } of conversations) {
    const answer = answerFor({ model, messages, maxTokens, leakSystemPrompt: sim.settings.leakSystemPrompt });
    const delayMs = asked.delayMs ?? 0;
    for (let i = 0; i < n; i++)
      choices.push({ tokens: answer.tokens, finishReason: answer.finishReason, delayMs });
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

/**
 * The conversation a prompt stands for, and the directives that steer its answer: those of its
 * last user message when it is a templated chat (earlier turns were already answered), else
 * those anywhere in the prompt.
 */
function conversationOf(prompt: string): { messages: SimMessage[]; directives: SimDirectives } {
  const chat = decodeChatPrompt(prompt);
  if (!chat) return { messages: [{ role: 'user', content: prompt }], directives: parseDirectives(prompt) };
  const lastUser = [...chat].reverse().find((m) => m.role === 'user');
  return { messages: chat, directives: parseDirectives(lastUser ? messageText(lastUser) : '') };
}
