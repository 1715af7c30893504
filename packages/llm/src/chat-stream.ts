import type OpenAI from 'openai';
import type { ChatMessage, ChatParams, ChatResult } from './chat';

/** Called with the whole answer so far each time a streamed chunk adds text. */
export type TextObserver = (textSoFar: string) => void;

/**
 * One streamed chat completion (`stream: true`), resolved with the same result as the
 * non-streamed call once the stream ends. `onText` gets the text so far rather than deltas, so
 * a caller whose answer restarts on another backend just sees a different text.
 */
export async function streamChat(
  client: OpenAI,
  params: ChatParams,
  messages: ChatMessage[],
  onText: TextObserver,
): Promise<ChatResult> {
  const stream = await client.chat.completions.create({
    model: params.model,
    messages,
    temperature: params.temperature,
    max_tokens: params.maxTokens,
    stream: true,
    // Usage arrives in a last chunk without choices: budgets need it as much as for a plain call.
    stream_options: { include_usage: true },
  });
  let text = '';
  let finishReason = 'unknown';
  let promptTokens = 0;
  let completionTokens = 0;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    const delta = choice?.delta?.content ?? '';
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (chunk.usage) {
      promptTokens = chunk.usage.prompt_tokens;
      completionTokens = chunk.usage.completion_tokens;
    }
    if (delta) {
      text += delta;
      onText(text);
    }
  }
  return { text, finishReason, promptTokens, completionTokens };
}
