import type OpenAI from 'openai';
import { streamChat, type TextObserver } from './chat-stream';
import { classifyLlmError, type LlmOutcome } from './errors';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatParams {
  model: string;
  temperature: number;
  maxTokens: number;
}

export interface ChatResult {
  text: string;
  finishReason: string;
  promptTokens: number;
  completionTokens: number;
  /**
   * Present when the answer came from a batched `/v1/completions` request. The tokens above are
   * then this answer's share of the batch's usage.
   */
  batch?: {
    /** Prompts in that request. */
    prompts: number;
    /**
     * Completion tokens of the batch's longest answer: the request lasted as long as that one
     * took to generate, so this, not the answer's own length, explains its latency.
     */
    longestCompletionTokens: number;
  };
}

export type ChatObserver = (event: {
  model: string;
  outcome: LlmOutcome;
  seconds: number;
  promptTokens?: number;
  completionTokens?: number;
}) => void;

/** One chat completion, observed for metrics whatever its outcome. */
export async function completeChat(
  client: OpenAI,
  params: ChatParams,
  messages: ChatMessage[],
  observe?: ChatObserver,
  onText?: TextObserver,
): Promise<ChatResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    if (onText) {
      const streamed = await streamChat(client, params, messages, onText);
      observe?.({ model: params.model, outcome: 'ok', seconds: seconds(), ...streamed });
      return streamed;
    }
    const completion = await client.chat.completions.create({
      model: params.model,
      messages,
      temperature: params.temperature,
      max_tokens: params.maxTokens,
    });
    const choice = completion.choices[0];
    const result: ChatResult = {
      text: choice?.message.content ?? '',
      finishReason: choice?.finish_reason ?? 'unknown',
      promptTokens: completion.usage?.prompt_tokens ?? 0,
      completionTokens: completion.usage?.completion_tokens ?? 0,
    };
    observe?.({ model: params.model, outcome: 'ok', seconds: seconds(), ...result });
    return result;
  } catch (err) {
    observe?.({ model: params.model, outcome: classifyLlmError(err).outcome, seconds: seconds() });
    throw err;
  }
}
