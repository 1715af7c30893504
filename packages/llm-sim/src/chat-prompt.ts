import type { SimMessage } from './messages';

/**
 * Reads a `/v1/completions` prompt rendered with a chat template back into the conversation it
 * encodes, the way an instruct model served by vLLM understands it. Clients that batch chats as
 * prompt arrays (one `/v1/completions` request for many conversations) therefore get the answer
 * the chat endpoint would give. Two templates are read, each ending with the assistant's opening:
 *
 * - ChatML: `<|im_start|>role\ncontent<|im_end|>\n` per message, then `<|im_start|>assistant\n`;
 * - Llama 3: an optional `<|begin_of_text|>`, then
 *   `<|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>` per message, then
 *   `<|start_header_id|>assistant<|end_header_id|>\n\n`.
 *
 * Any other prompt is plain text: undefined.
 */
export function decodeChatPrompt(prompt: string): SimMessage[] | undefined {
  return (
    decode(prompt, {
      start: '',
      turn: /<\|im_start\|>([a-z]+)\n([\s\S]*?)<\|im_end\|>\n?/y,
      answer: '<|im_start|>assistant\n',
    }) ??
    decode(prompt, {
      start: '<|begin_of_text|>',
      turn: /<\|start_header_id\|>([a-z]+)<\|end_header_id\|>\n\n([\s\S]*?)<\|eot_id\|>/y,
      answer: '<|start_header_id|>assistant<|end_header_id|>\n\n',
    })
  );
}

interface TemplateShape {
  /** Optional text before the first turn. */
  start: string;
  /** One message; sticky, with the role and the content as groups. */
  turn: RegExp;
  /** The assistant's opening that ends the prompt. */
  answer: string;
}

function decode(prompt: string, shape: TemplateShape): SimMessage[] | undefined {
  if (!prompt.endsWith(shape.answer)) return undefined;
  const end = prompt.length - shape.answer.length;
  const turn = new RegExp(shape.turn.source, 'y');
  turn.lastIndex = shape.start !== '' && prompt.startsWith(shape.start) ? shape.start.length : 0;
  const messages: SimMessage[] = [];
  while (turn.lastIndex < end) {
    const match = turn.exec(prompt);
    if (!match || turn.lastIndex > end) return undefined;
    messages.push({ role: match[1] as string, content: match[2] as string });
  }
  return messages.length > 0 ? messages : undefined;
}
