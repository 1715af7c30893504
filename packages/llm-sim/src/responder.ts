import { parseDirectives, stripDirectives } from './directives';
import { fillerText } from './filler';
import { asksForSystemPrompt, leakedAnswer, systemPromptOf } from './leak';
import { messageImageUrls, messageText, promptTokensFor, type SimMessage } from './messages';
import { splitTokens } from './tokens';
import { describeImageUrl, imageList } from './vision/describe';

/**
 * The simulated model: a tiny rule-based assistant whose answer is a pure function of the
 * conversation. Its answers quote earlier turns, so a test can prove that the history the
 * platform stores actually reached the model.
 */

export interface AnswerInput {
  /** Model id. Accepted for parity with the API; the rules do not depend on it. */
  model?: string;
  messages: readonly SimMessage[];
  /** `max_tokens` / `max_completion_tokens`; the answer is cut to this many tokens. */
  maxTokens?: number | null;
  /** Reveal the system prompt when the last user message asks for it (see `leak.ts`). */
  leakSystemPrompt?: boolean;
}

export interface SimAnswer {
  /** The answer text, after `maxTokens` truncation. */
  content: string;
  /** `'length'` when `maxTokens` cut the answer, else `'stop'`. */
  finishReason: 'stop' | 'length';
  /** The answer split into simulated tokens; `content === tokens.join('')`. */
  tokens: string[];
  /** Equal to `tokens.length`. */
  completionTokens: number;
  /** Simulated prompt tokens of `messages`. */
  promptTokens: number;
}

/** Longest quote of a user message inside an answer. */
export const QUOTE_LIMIT = 200;

const PERSONA = /\bYou are ([A-Z][\w-]+)/;
const ASKS_NAME = /\bwhat(?:'|’)?s my name\b|\bwhat is my name\b/i;
const TELLS_NAME = /\bmy name is\s+([^.,!?;:\n]+)/i;
const ASKS_FIRST = /\bwhat did i say first\b|\bwhat was my first message\b/i;
const ASKS_PREVIOUS = /\bwhat did i (?:just say|say before)\b/i;
const ASKS_REMEMBERED = /\bwhat did i ask you to remember\b/i;
const REMEMBER = /^(?:please\s+)?remember(?:\s+that)?[\s:,]+(\S[\s\S]*)$/i;
const GREETING = /^(?:hi|hello|hey)\b/i;

/** The answer of the simulated model to a chat conversation. */
export function answerFor(input: AnswerInput): SimAnswer {
  const { messages } = input;
  const prefix = personaPrefix(messages);
  const lastText = lastUserText(messages);
  const requested = parseDirectives(lastText).tokens;
  // The prefix counts towards `[[sim:tokens=N]]`, so the answer is exactly N tokens either way.
  let full = requested === undefined ? prefix + replyText(messages) : fillerText(requested, prefix);
  if (input.leakSystemPrompt === true && asksForSystemPrompt(lastText)) {
    full = leakedAnswer(stripDirectives(lastText), systemPromptOf(messages));
  }
  let tokens = splitTokens(full);
  let finishReason: SimAnswer['finishReason'] = 'stop';
  const max = input.maxTokens;
  if (max !== undefined && max !== null && max >= 0 && tokens.length > max) {
    tokens = tokens.slice(0, max);
    finishReason = 'length';
  }
  return {
    content: tokens.join(''),
    finishReason,
    tokens,
    completionTokens: tokens.length,
    promptTokens: promptTokensFor(messages),
  };
}

function lastUserText(messages: readonly SimMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return messageText(message);
  }
  return '';
}

/** `"<Name>: "` when a system/developer message says `You are <Name>`, else `""`. */
function personaPrefix(messages: readonly SimMessage[]): string {
  for (const message of messages) {
    if (message.role !== 'system' && message.role !== 'developer') continue;
    const match = PERSONA.exec(messageText(message));
    if (match?.[1]) return `${match[1]}: `;
  }
  return '';
}

/** Whitespace collapsed and cut to {@link QUOTE_LIMIT} code points. */
function quote(text: string): string {
  return Array.from(text.replace(/\s+/g, ' ').trim()).slice(0, QUOTE_LIMIT).join('');
}

function nameIn(text: string): string | undefined {
  const raw = TELLS_NAME.exec(text)?.[1];
  if (raw === undefined) return undefined;
  // "up to punctuation", but a name is a few words at most.
  const name = raw
    .trim()
    .split(/\s+/)
    .slice(0, 4)
    .join(' ')
    .replace(/^["'“”]+|["'“”]+$/g, '');
  return name === '' ? undefined : name;
}

function rememberedIn(text: string): string | undefined {
  if (ASKS_REMEMBERED.test(text)) return undefined;
  const item = REMEMBER.exec(text.trim())?.[1];
  if (item === undefined) return undefined;
  const cleaned = quote(item).replace(/[.!]+$/, '');
  return cleaned === '' ? undefined : cleaned;
}

/** The latest match of `pick` among `texts`, searching from the end. */
function latest(texts: readonly string[], pick: (text: string) => string | undefined): string | undefined {
  for (let i = texts.length - 1; i >= 0; i--) {
    const found = pick(texts[i] ?? '');
    if (found !== undefined) return found;
  }
  return undefined;
}

function replyText(messages: readonly SimMessage[]): string {
  const userMessages = messages.filter((m) => m.role === 'user');
  const turn = userMessages.length;
  const tag = ` (turn ${turn})`;
  const lastMessage = userMessages[turn - 1];
  if (lastMessage === undefined) return `You haven't said anything yet.${tag}`;

  const directives = parseDirectives(messageText(lastMessage));
  // Earlier turns are read without their directives too, so quotes never leak them.
  const texts = userMessages.map((m) => stripDirectives(messageText(m)));
  const last = texts[turn - 1] ?? '';
  const earlier = texts.slice(0, -1);

  if (directives.markdown) return markdownSample(turn);

  if (ASKS_NAME.test(last)) {
    const name = latest(earlier, nameIn);
    return name === undefined ? `You haven't told me your name yet.${tag}` : `Your name is ${name}.${tag}`;
  }
  const name = nameIn(last);
  if (name !== undefined) return `Nice to meet you, ${name}!${tag}`;

  if (ASKS_FIRST.test(last)) return `You first said: "${quote(texts[0] ?? '')}".${tag}`;
  if (ASKS_PREVIOUS.test(last)) {
    const previous = earlier[earlier.length - 1];
    return previous === undefined
      ? `You haven't said anything before this.${tag}`
      : `You just said: "${quote(previous)}".${tag}`;
  }
  if (ASKS_REMEMBERED.test(last)) {
    const item = latest(earlier, rememberedIn);
    return item === undefined
      ? `You haven't asked me to remember anything.${tag}`
      : `You asked me to remember: ${item}.${tag}`;
  }
  const item = rememberedIn(last);
  if (item !== undefined) return `I'll remember: ${item}.${tag}`;

  if (GREETING.test(last) && last.split(/\s+/).length <= 4) return `Hello! How can I help you today?${tag}`;

  // What a vision model would see: each image described from its own bytes.
  const seen = messageImageUrls(lastMessage).map(describeImageUrl);
  if (seen.length > 0 && last.trim() === '') return `You sent ${imageList(seen)}.${tag}`;
  const imageNote = seen.length === 0 ? '' : ` and sent ${imageList(seen)}`;
  return `You said: "${quote(last)}"${imageNote}.${tag}`;
}

/** A fixed answer using the Markdown constructs a Telegram formatter has to handle. */
function markdownSample(turn: number): string {
  return [
    `Here is **bold text**, some _italic text_ and \`inline code\`. (turn ${turn})`,
    '',
    '1. First step',
    '2. Second step with a [link](https://example.com/docs?a=1&b=2)',
    '',
    '- bullet one',
    '- bullet two',
    '',
    '```python',
    'def greet(name):',
    '    return f"Hello, {name}!"',
    '```',
    '',
    'Special characters: 2 < 3 & 5 > 4, snake_case_name, price $5.',
  ].join('\n');
}
