/** Telegram's limit for one text message, counted in UTF-16 code units after entity parsing. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/**
 * Splits a long answer into messages Telegram accepts, cutting at the most natural boundary
 * available in each window: a paragraph, then a line, then a sentence, then a word. Never cuts a
 * surrogate pair in half.
 */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let cut = lastBoundary(window);
    if (cut <= 0) cut = limit;
    // Do not separate a high surrogate from its low surrogate.
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    const head = rest.slice(0, cut).trimEnd();
    if (head) parts.push(head);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim()) parts.push(rest);
  return parts;
}

function lastBoundary(window: string): number {
  const minimum = Math.floor(window.length / 2);
  for (const pattern of [/\n\s*\n/g, /\n/g, /[.!?…](\s)/g, /\s/g]) {
    let best = -1;
    for (const match of window.matchAll(pattern)) {
      const end = (match.index ?? 0) + match[0].length;
      if (end >= minimum) best = end;
    }
    if (best > 0) return best;
  }
  return -1;
}
