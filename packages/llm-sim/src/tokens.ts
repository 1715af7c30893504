/**
 * The simulator's stand-in for a tokenizer: one token per 4 characters (Unicode code points, so
 * emoji are never split in half). Splitting and counting use the same rule, which is what makes
 * the number of streamed pieces equal the reported `completion_tokens`.
 */

/** Characters per simulated token. */
export const CHARS_PER_TOKEN = 4;

/** Tokens charged per chat message on top of its content, like OpenAI's per-message framing. */
export const MESSAGE_OVERHEAD_TOKENS = 3;

/** Tokens charged per attached image (OpenAI's flat "low detail" price). */
export const IMAGE_TOKENS = 85;

/** Number of Unicode code points in `text`, without materialising an array. */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** Simulated token count of a piece of text: ceil(chars / 4), never below 1. */
export function countTokens(text: string): number {
  return Math.max(1, Math.ceil(codePointLength(text) / CHARS_PER_TOKEN));
}

/** Splits text into its simulated tokens (runs of 4 code points; the last may be shorter). */
export function splitTokens(text: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let inCurrent = 0;
  for (const char of text) {
    current += char;
    inCurrent++;
    if (inCurrent === CHARS_PER_TOKEN) {
      pieces.push(current);
      current = '';
      inCurrent = 0;
    }
  }
  if (inCurrent > 0) pieces.push(current);
  return pieces;
}

/** The first `maxTokens` simulated tokens of `text`. */
export function truncateToTokens(text: string, maxTokens: number): string {
  return splitTokens(text).slice(0, maxTokens).join('');
}
