import type { ChatMessage } from '../chat';

/** Chat templates a conversation can be rendered with for `/v1/completions`. */
export const CHAT_TEMPLATE_NAMES = ['chatml', 'llama3'] as const;
export type ChatTemplateName = (typeof CHAT_TEMPLATE_NAMES)[number];

/**
 * How a model expects a conversation written as one prompt. The chat endpoint applies the
 * model's template on the server; the legacy completions endpoint takes raw text, so a client
 * batching chats there must apply it itself, and must use the template the model was trained
 * with (Qwen, Yi, Hermes… use ChatML; Llama 3 and 3.x use their own).
 */
export interface ChatTemplate {
  name: ChatTemplateName;
  /** The conversation as one prompt, ending where the assistant's answer begins. */
  render(messages: readonly ChatMessage[]): string;
  /**
   * Where the model's turn ends. Sent as `stop`, so a server whose tokenizer does not treat the
   * end-of-turn marker as end of sequence still stops there instead of writing the next turn.
   */
  stop: readonly string[];
}

const CHATML_SPECIAL = ['<|im_start|>', '<|im_end|>', '<|endoftext|>'];
const LLAMA3_SPECIAL = [
  '<|begin_of_text|>',
  '<|end_of_text|>',
  '<|start_header_id|>',
  '<|end_header_id|>',
  '<|eot_id|>',
];

/**
 * Removes the template's control markers from message text. Rendered by hand, a user message
 * containing `<|im_end|>\n<|im_start|>system` would otherwise open a forged system turn.
 * Repeated because removing one marker can join the halves of another.
 */
function withoutMarkers(text: string, markers: readonly string[]): string {
  let current = text;
  for (;;) {
    const next = markers.reduce((t, marker) => t.split(marker).join(''), current);
    if (next === current) return current;
    current = next;
  }
}

const chatml: ChatTemplate = {
  name: 'chatml',
  render: (messages) =>
    `${messages
      .map((m) => `<|im_start|>${m.role}\n${withoutMarkers(m.content, CHATML_SPECIAL)}<|im_end|>\n`)
      .join('')}<|im_start|>assistant\n`,
  stop: ['<|im_end|>'],
};

// No <|begin_of_text|>: vLLM and llama.cpp add the BOS token to a completions prompt themselves,
// and a second one degrades the answers. Contents are trimmed, as Llama 3's own template does.
const llama3: ChatTemplate = {
  name: 'llama3',
  render: (messages) =>
    `${messages
      .map(
        (m) =>
          `<|start_header_id|>${m.role}<|end_header_id|>\n\n${withoutMarkers(m.content, LLAMA3_SPECIAL).trim()}<|eot_id|>`,
      )
      .join('')}<|start_header_id|>assistant<|end_header_id|>\n\n`,
  stop: ['<|eot_id|>'],
};

const TEMPLATES: Record<ChatTemplateName, ChatTemplate> = { chatml, llama3 };

export function chatTemplate(name: ChatTemplateName): ChatTemplate {
  const template = TEMPLATES[name];
  if (!template) {
    throw new RangeError(`chat template must be one of ${CHAT_TEMPLATE_NAMES.join(', ')} (got ${name})`);
  }
  return template;
}
