import type { MessageEntity } from '../bot-api/telegram-types';
import { byteOffset, linkEntity, MarkupError, type ParsedText, sortEntities } from './entities';
import { skipOneNewline } from './markdown-v2';

/**
 * Telegram's legacy "Markdown" parse mode: `_italic_`, `*bold*`, `` `code` ``, ```` ```pre``` ````
 * and `[text](url)`, no nesting, and only `_ * ` [` escapable with `\`. Kept because bots still
 * send it; error texts match Telegram's.
 */
export function parseMarkdown(input: string): ParsedText {
  const n = input.length;
  const entities: MessageEntity[] = [];
  let out = '';
  let i = 0;

  while (i < n) {
    const ch = input[i] as string;
    const next = input[i + 1];
    if (ch === '\\' && (next === '_' || next === '*' || next === '`' || next === '[')) {
      out += next;
      i += 2;
      continue;
    }
    if (ch !== '_' && ch !== '*' && ch !== '`' && ch !== '[') {
      out += ch;
      i++;
      continue;
    }

    const begin = i;
    const endChar = ch === '[' ? ']' : ch;
    let isPre = false;
    let language = '';
    i++;
    if (ch === '`' && input[i] === '`' && input[i + 1] === '`') {
      i += 2;
      isPre = true;
      let languageEnd = i;
      while (languageEnd < n && !/\s/.test(input[languageEnd] as string) && input[languageEnd] !== '`')
        languageEnd++;
      if (languageEnd !== i && languageEnd < n && input[languageEnd] !== '`') {
        language = input.slice(i, languageEnd);
        i = languageEnd;
      }
      i = skipOneNewline(input, i);
    }

    const offset = out.length;
    while (i < n && (input[i] !== endChar || (isPre && !(input[i + 1] === '`' && input[i + 2] === '`')))) {
      out += input[i];
      i++;
    }
    if (i >= n)
      throw new MarkupError(
        `Can't find end of the entity starting at byte offset ${byteOffset(input, begin)}`,
      );

    const length = out.length - offset;
    if (ch === '[') {
      let url: string;
      if (input[i + 1] !== '(') {
        url = input.slice(begin + 1, i);
      } else {
        i += 2;
        const urlStart = i;
        while (i < n && input[i] !== ')') i++;
        url = input.slice(urlStart, i);
      }
      if (length > 0) {
        const entity = linkEntity(url, offset, length);
        if (entity) entities.push(entity);
      }
    } else if (length > 0) {
      if (ch === '_') entities.push({ type: 'italic', offset, length });
      else if (ch === '*') entities.push({ type: 'bold', offset, length });
      else if (isPre)
        entities.push(language ? { type: 'pre', offset, length, language } : { type: 'pre', offset, length });
      else entities.push({ type: 'code', offset, length });
    }
    i += isPre ? 3 : 1;
  }
  return { text: out, entities: sortEntities(entities) };
}
