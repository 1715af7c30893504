import type { FormattedText, MessageEntity } from './types';

/** Telegram's limit for one text message, in UTF-16 code units after entity parsing. */
export const MESSAGE_LIMIT = 4096;

export interface FormattedPart extends FormattedText {
  /** Where this part starts in the text it was cut from. */
  sourceOffset: number;
}

/**
 * Splits formatted text into messages of at most `limit` UTF-16 units. Cuts at the most natural
 * place in the second half of each window: a paragraph break, a line break, the end of a
 * sentence, a space (preferring places outside any entity), and never inside a surrogate pair.
 * An entity that crosses a cut is cut too and continues in the next part with the same type,
 * language or URL: a code block split over two messages is two closed code blocks.
 */
export function splitFormatted(input: FormattedText, limit = MESSAGE_LIMIT): FormattedPart[] {
  if (!Number.isInteger(limit) || limit < 2) throw new RangeError('limit must be an integer >= 2');
  const { text } = input;
  const parts: FormattedPart[] = [];
  let start = 0;
  while (start < text.length) {
    // Blanks at the start of a part would be dropped by Telegram.
    while (start < text.length && /\s/.test(text[start]!)) start++;
    if (start >= text.length) break;
    let end = text.length;
    if (end - start > limit) end = cutPoint(text, input.entities, start, start + limit);
    let trimmedEnd = end;
    while (trimmedEnd > start && /\s/.test(text[trimmedEnd - 1]!)) trimmedEnd--;
    if (trimmedEnd > start) parts.push(slice(input, start, trimmedEnd));
    start = end;
  }
  return parts;
}

function slice(input: FormattedText, start: number, end: number): FormattedPart {
  const entities: MessageEntity[] = [];
  for (const e of input.entities) {
    const from = Math.max(e.offset, start);
    const to = Math.min(e.offset + e.length, end);
    if (to > from) entities.push({ ...e, offset: from - start, length: to - from });
  }
  return { text: input.text.slice(start, end), entities, sourceOffset: start };
}

/** Boundary kinds, best first; each is tried outside entities, then anywhere. */
const BOUNDARIES = [/\n[ \t]*\n/g, /\n/g, /[.!?…。！？][)"'»”]?(?=\s)/g, /\s/g];

function cutPoint(text: string, entities: readonly MessageEntity[], start: number, max: number): number {
  const window = text.slice(start, max);
  const minimum = Math.floor(window.length / 2);
  const inside = (pos: number) => entities.some((e) => e.offset < pos && pos < e.offset + e.length);
  for (const outsideOnly of [true, false]) {
    for (const pattern of BOUNDARIES) {
      let best = -1;
      for (const m of window.matchAll(pattern)) {
        const at = start + (m.index ?? 0) + m[0].length;
        if (at - start < minimum || at > max) continue;
        if (outsideOnly && inside(at)) continue;
        best = at;
      }
      if (best > start) return best;
    }
  }
  // No boundary at all: cut at the limit, but not between the halves of a surrogate pair.
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}
