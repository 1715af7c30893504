import type { MessageEntity } from '../bot-api/telegram-types';
import { byteOffset, isSpace, linkEntity, MarkupError, type ParsedText, sortEntities } from './entities';

/**
 * Telegram's HTML parse mode, following the Bot API server's parser: only the documented tags,
 * the entities &lt; &gt; &amp; &quot; and numeric ones (the `;` is optional), a `&` that starts no
 * known entity is kept as a literal `&`, and any `<` starts a tag. Error texts match Telegram's.
 */

const SUPPORTED_TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'span',
  'pre',
  'code',
  'blockquote',
]);

interface OpenTag {
  name: string;
  argument: string;
  /** Offset (UTF-16) in the output text where the tag's content starts. */
  start: number;
}

export function parseHtml(input: string): ParsedText {
  let out = '';
  const entities: MessageEntity[] = [];
  const open: OpenTag[] = [];
  let i = 0;
  const n = input.length;

  while (i < n) {
    const ch = input[i];
    if (ch === '&') {
      const decoded = decodeEntity(input, i);
      if (decoded) {
        out += decoded.value;
        i = decoded.end;
        continue;
      }
    }
    if (ch !== '<') {
      out += ch;
      i++;
      continue;
    }

    const tagStart = i;
    i++;
    if (input[i] !== '/') {
      // Opening tag: the name runs to the first blank or '>'.
      while (i < n && !isSpace(input[i]) && input[i] !== '>') i++;
      if (i >= n) throw new MarkupError(`Unclosed start tag at byte offset ${byteOffset(input, tagStart)}`);
      const name = input.slice(tagStart + 1, i).toLowerCase();
      if (!SUPPORTED_TAGS.has(name)) {
        throw new MarkupError(
          `Unsupported start tag "${name}" at byte offset ${byteOffset(input, tagStart)}`,
        );
      }
      let argument = '';
      while (input[i] !== '>') {
        while (i < n && isSpace(input[i])) i++;
        if (i >= n) throw new MarkupError(`Unclosed start tag at byte offset ${byteOffset(input, tagStart)}`);
        if (input[i] === '>') break;
        const attrStart = i;
        while (i < n && !isSpace(input[i]) && input[i] !== '=' && input[i] !== '>') i++;
        const attrName = input.slice(attrStart, i).toLowerCase();
        if (attrName === '') {
          throw new MarkupError(
            `Empty attribute name in the tag "${name}" at byte offset ${byteOffset(input, tagStart)}`,
          );
        }
        while (i < n && isSpace(input[i])) i++;
        if (input[i] !== '=') {
          // A valueless attribute is only meaningful for <blockquote expandable>.
          if (name === 'blockquote' && attrName === 'expandable') {
            argument = '1';
            continue;
          }
          if (i >= n)
            throw new MarkupError(`Unclosed start tag at byte offset ${byteOffset(input, tagStart)}`);
          throw new MarkupError(
            `Expected equal sign in declaration of an attribute of the tag "${name}" at byte offset ${byteOffset(input, tagStart)}`,
          );
        }
        i++;
        while (i < n && isSpace(input[i])) i++;
        if (i >= n) {
          throw new MarkupError(`Unclosed start tag "${name}" at byte offset ${byteOffset(input, tagStart)}`);
        }
        let value = '';
        const quote = input[i];
        if (quote !== '"' && quote !== "'") {
          // An unquoted name token: letters, digits, periods and hyphens, case-insensitive.
          const tokenStart = i;
          while (i < n && /[A-Za-z0-9.-]/.test(input[i] ?? '')) i++;
          value = input.slice(tokenStart, i).toLowerCase();
          if (i < n && !isSpace(input[i]) && input[i] !== '>') {
            throw new MarkupError(
              `Unexpected end of name token at byte offset ${byteOffset(input, tokenStart)}`,
            );
          }
        } else {
          i++;
          while (i < n && input[i] !== quote) {
            if (input[i] === '&') {
              const decoded = decodeEntity(input, i);
              if (decoded) {
                value += decoded.value;
                i = decoded.end;
                continue;
              }
            }
            value += input[i];
            i++;
          }
          if (input[i] === quote) i++;
        }
        if (i >= n) throw new MarkupError(`Unclosed start tag at byte offset ${byteOffset(input, tagStart)}`);

        if (name === 'a' && attrName === 'href') argument = value;
        else if (name === 'code' && attrName === 'class' && value.startsWith('language-'))
          argument = value.slice(9);
        else if (name === 'span' && attrName === 'class' && value.startsWith('tg-'))
          argument = value.slice(3);
        else if (name === 'tg-emoji' && attrName === 'emoji-id') argument = value;
        else if (name === 'blockquote' && attrName === 'expandable') argument = '1';
      }
      if (name === 'span' && argument !== 'spoiler') {
        throw new MarkupError(
          `Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(input, tagStart)}`,
        );
      }
      open.push({ name, argument, start: out.length });
      i++; // past '>'
      continue;
    }

    // Closing tag.
    if (open.length === 0)
      throw new MarkupError(`Unexpected end tag at byte offset ${byteOffset(input, tagStart)}`);
    i++; // past '/'
    const nameStart = i;
    while (i < n && !isSpace(input[i]) && input[i] !== '>') i++;
    const endName = input.slice(nameStart, i).toLowerCase();
    while (i < n && isSpace(input[i])) i++;
    if (input[i] !== '>')
      throw new MarkupError(`Unclosed end tag at byte offset ${byteOffset(input, tagStart)}`);
    i++;
    const tag = open.pop() as OpenTag;
    if (endName !== '' && endName !== tag.name) {
      throw new MarkupError(
        `Unmatched end tag at byte offset ${byteOffset(input, tagStart)}, expected "</${tag.name}>", found "</${endName}>"`,
      );
    }
    if (out.length > tag.start) closeEntity(tag, out, entities);
  }

  const unclosed = open.at(-1);
  if (unclosed) throw new MarkupError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text: out, entities: sortEntities(entities) };
}

function closeEntity(tag: OpenTag, out: string, entities: MessageEntity[]): void {
  const offset = tag.start;
  const length = out.length - offset;
  const simple = SIMPLE_TYPES[tag.name];
  if (simple) {
    entities.push({ type: simple, offset, length });
    return;
  }
  const last = entities.at(-1);
  switch (tag.name) {
    case 'span':
      entities.push({ type: 'spoiler', offset, length });
      return;
    case 'a': {
      // An <a> without href links to its own text.
      const entity = linkEntity(tag.argument || out.slice(offset), offset, length);
      if (entity) entities.push(entity);
      return;
    }
    case 'tg-emoji':
      if (tag.argument !== '')
        entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: tag.argument });
      return;
    case 'blockquote':
      entities.push({ type: tag.argument ? 'expandable_blockquote' : 'blockquote', offset, length });
      return;
    case 'pre':
      // <pre><code class="language-x">…</code></pre> is one pre entity with a language.
      if (last?.type === 'code' && last.offset === offset && last.length === length && last.language) {
        last.type = 'pre';
        return;
      }
      entities.push({ type: 'pre', offset, length });
      return;
    case 'code':
      if (last?.type === 'pre' && last.offset === offset && last.length === length && tag.argument) {
        last.language = tag.argument;
        return;
      }
      entities.push(
        tag.argument
          ? { type: 'code', offset, length, language: tag.argument }
          : { type: 'code', offset, length },
      );
      return;
  }
}

const SIMPLE_TYPES: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
};

/** Decodes the HTML entity at `start` (which holds '&'); undefined when it is not one Telegram knows. */
function decodeEntity(input: string, start: number): { value: string; end: number } | undefined {
  let end = start + 1;
  let code = 0;
  if (input[end] === '#') {
    end++;
    const hex = input[end] === 'x';
    if (hex) end++;
    const digits = hex ? /[0-9a-fA-F]/ : /[0-9]/;
    const digitsStart = end;
    while (end < input.length && digits.test(input[end] ?? '')) end++;
    if (end === digitsStart || end - start >= 10) return undefined;
    code = Number.parseInt(input.slice(digitsStart, end), hex ? 16 : 10);
    if (code === 0 || code >= 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  } else {
    while (end < input.length && /[A-Za-z]/.test(input[end] ?? '')) end++;
    const named = NAMED_ENTITIES[input.slice(start + 1, end)];
    if (named === undefined) return undefined;
    code = named;
  }
  if (input[end] === ';') end++;
  return { value: String.fromCodePoint(code), end };
}

const NAMED_ENTITIES: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };
