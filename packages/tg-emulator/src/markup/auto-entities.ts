import type { MessageEntity } from '../bot-api/telegram-types';
import { sortEntities } from './entities';

/**
 * Entities Telegram adds by itself to every text message, sent by a user or a bot: links, e-mail
 * addresses, @mentions, #hashtags and /commands. Bots depend on this (grammY's `bot.command()`
 * looks for a bot_command entity at offset 0), so user messages must carry them too. The
 * detection is a simplification of Telegram's: bare domains without "www." or a scheme, cashtags
 * and phone numbers are not detected.
 */

const PATTERNS: ReadonlyArray<{ type: string; re: RegExp }> = [
  { type: 'url', re: /(?:https?:\/\/|www\.)[^\s<>"]+/giu },
  {
    type: 'email',
    re: /(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])/gu,
  },
  {
    type: 'bot_command',
    re: /(?<![\p{L}\p{N}_/<>])\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\p{L}\p{N}_/<>])/gu,
  },
  { type: 'mention', re: /(?<![\p{L}\p{N}_@])@[A-Za-z0-9_]{3,32}(?![\p{L}\p{N}_@])/gu },
  { type: 'hashtag', re: /(?<![\p{L}\p{N}_#])#[\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*/gu },
];

/** Entity types whose text is never scanned for links, mentions and the like. */
const OPAQUE = new Set(['code', 'pre', 'text_link', 'text_mention', 'custom_emoji']);

/** Returns the automatically detected entities of `text` that do not clash with `existing`, sorted. */
export function detectEntities(text: string, existing: readonly MessageEntity[]): MessageEntity[] {
  const taken: Array<[number, number]> = existing
    .filter((e) => OPAQUE.has(e.type))
    .map((e) => [e.offset, e.offset + e.length]);
  const found: MessageEntity[] = [];
  for (const { type, re } of PATTERNS) {
    re.lastIndex = 0;
    for (const match of text.matchAll(re)) {
      let value = match[0];
      if (type === 'url') value = trimUrlTail(value);
      const start = match.index;
      const end = start + value.length;
      if (value.length < 2 || taken.some(([a, b]) => start < b && end > a)) continue;
      taken.push([start, end]);
      found.push({ type, offset: start, length: value.length });
    }
  }
  return sortEntities(found);
}

/** Trailing punctuation ends a sentence rather than the link, unless a bracket it closes is inside. */
function trimUrlTail(url: string): string {
  let end = url.length;
  while (end > 0) {
    const ch = url[end - 1] as string;
    if ('.,;:!?\'"'.includes(ch)) {
      end--;
      continue;
    }
    if (ch === ')' && !url.slice(0, end - 1).includes('(')) {
      end--;
      continue;
    }
    break;
  }
  return url.slice(0, end);
}
