import { CHARS_PER_TOKEN, codePointLength } from './tokens';

/**
 * Deterministic lorem-like text of an exact simulated token count, for long-answer tests
 * (Telegram message splitting, streaming edits, timeouts).
 */

const WORDS = [
  'lorem',
  'ipsum',
  'dolor',
  'sit',
  'amet',
  'consectetur',
  'adipiscing',
  'elit',
  'sed',
  'do',
  'eiusmod',
  'tempor',
  'incididunt',
  'ut',
  'labore',
  'et',
  'dolore',
  'magna',
  'aliqua',
  'enim',
  'ad',
  'minim',
  'veniam',
  'quis',
  'nostrud',
  'exercitation',
  'ullamco',
  'laboris',
  'nisi',
  'aliquip',
  'ex',
  'ea',
  'commodo',
  'consequat',
] as const;

/** Words per sentence; sentences make long answers split naturally at ". ". */
const SENTENCE_WORDS = 12;

/**
 * `prefix` followed by filler words, exactly `tokens * 4` code points long, so that
 * `countTokens` and `splitTokens` both give `tokens`.
 */
export function fillerText(tokens: number, prefix = ''): string {
  const target = tokens * CHARS_PER_TOKEN;
  const parts: string[] = [prefix];
  let length = codePointLength(prefix);
  for (let i = 0; length < target; i++) {
    let word: string = WORDS[i % WORDS.length] ?? 'lorem';
    const position = i % SENTENCE_WORDS;
    if (position === 0) word = word.charAt(0).toUpperCase() + word.slice(1);
    if (position === SENTENCE_WORDS - 1) word += '.';
    const needsSpace = i > 0 || (prefix !== '' && !/\s$/.test(prefix));
    const piece = needsSpace ? ` ${word}` : word;
    parts.push(piece);
    length += piece.length;
  }
  const chars = Array.from(parts.join('')).slice(0, target);
  // Never end on a space: a trailing space would be trimmed by some clients and shift counts.
  if (chars.length > 0 && chars[chars.length - 1] === ' ') chars[chars.length - 1] = '.';
  return chars.join('');
}
