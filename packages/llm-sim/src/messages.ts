import { countTokens, IMAGE_TOKENS, MESSAGE_OVERHEAD_TOKENS } from './tokens';

/**
 * The subset of a chat message the simulator reads. Structural, so the OpenAI SDK's
 * `ChatCompletionMessageParam` objects can be passed straight to {@link answerFor}.
 */
export interface SimMessage {
  role: string;
  content?: string | null | ReadonlyArray<SimContentPart>;
}

/** A content part: `text` parts are read, `image_url` parts are counted, others are ignored. */
export interface SimContentPart {
  type: string;
  text?: string;
  image_url?: { url: string };
}

/** The text of a message: the string itself, or its text parts joined by newlines. */
export function messageText(message: SimMessage): string {
  const { content } = message;
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  const texts: string[] = [];
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('\n');
}

/** How many `image_url` parts a message carries. */
export function messageImageCount(message: SimMessage): number {
  const { content } = message;
  if (content === undefined || content === null || typeof content === 'string') return 0;
  let images = 0;
  for (const part of content) if (part.type === 'image_url') images++;
  return images;
}

/** The `image_url.url` of each image part of a message, in order. */
export function messageImageUrls(message: SimMessage): string[] {
  const { content } = message;
  if (content === undefined || content === null || typeof content === 'string') return [];
  const urls: string[] = [];
  for (const part of content) if (part.type === 'image_url') urls.push(part.image_url?.url ?? '');
  return urls;
}

/** Simulated prompt tokens: per message ceil(chars/4) (at least 1) + 85 per image + 3 framing. */
export function promptTokensFor(messages: readonly SimMessage[]): number {
  let total = 0;
  for (const message of messages) {
    total +=
      countTokens(messageText(message)) + IMAGE_TOKENS * messageImageCount(message) + MESSAGE_OVERHEAD_TOKENS;
  }
  return total;
}
