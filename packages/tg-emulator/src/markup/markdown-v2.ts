import type { MessageEntity } from '../bot-api/telegram-types';
import { byteOffset, linkEntity, MarkupError, type ParsedText, sortEntities } from './entities';

/**
 * Telegram's MarkdownV2 parse mode, following the Bot API server's parser: entities nest, every
 * character of `_*[]()~`>#+-=|{}.!` must be escaped with `\` outside of entity markers (inside
 * code and pre only '`' and '\'), any ASCII character may be escaped, and error texts match
 * Telegram's, byte offsets included.
 */

const RESERVED = '_*[]()~`>#+-=|{}.!';

type Kind =
  | 'Bold'
  | 'Italic'
  | 'Underline'
  | 'Strikethrough'
  | 'Spoiler'
  | 'Code'
  | 'Pre'
  | 'PreCode'
  | 'TextUrl'
  | 'CustomEmoji';

interface OpenEntity {
  kind: Kind;
  /** Pre language. */
  argument: string;
  /** Output offset (UTF-16) where the content starts. */
  start: number;
  /** Input index of the opening marker, for error messages. */
  markerIndex: number;
}

const BOT_API_TYPE: Record<Kind, string> = {
  Bold: 'bold',
  Italic: 'italic',
  Underline: 'underline',
  Strikethrough: 'strikethrough',
  Spoiler: 'spoiler',
  Code: 'code',
  Pre: 'pre',
  PreCode: 'pre',
  TextUrl: 'text_link',
  CustomEmoji: 'custom_emoji',
};

export function parseMarkdownV2(input: string): ParsedText {
  const n = input.length;
  const entities: MessageEntity[] = [];
  const stack: OpenEntity[] = [];
  let out = '';
  let quote: { start: number; expandable: boolean } | undefined;
  let i = 0;

  const closeQuote = () => {
    if (!quote) return;
    // The quote ends with its last line; the line break after it is not part of it.
    const end = out.endsWith('\n') ? out.length - 1 : out.length;
    if (end > quote.start) {
      entities.push({
        type: quote.expandable ? 'expandable_blockquote' : 'blockquote',
        offset: quote.start,
        length: end - quote.start,
      });
    }
    quote = undefined;
  };

  while (i < n) {
    const ch = input[i] as string;
    const top = stack.at(-1);
    const inCode = top?.kind === 'Code' || top?.kind === 'Pre' || top?.kind === 'PreCode';

    if (!inCode && (i === 0 || input[i - 1] === '\n')) {
      if (ch === '>') {
        quote ??= { start: out.length, expandable: false };
        i++;
        continue;
      }
      if (input.startsWith('**>', i)) {
        if (quote) quote.expandable = true;
        else quote = { start: out.length, expandable: true };
        i += 3;
        continue;
      }
      closeQuote();
    }

    const next = input[i + 1];
    if (ch === '\\' && next !== undefined && next.charCodeAt(0) > 0 && next.charCodeAt(0) <= 126) {
      out += next;
      i += 2;
      continue;
    }

    const reserved = inCode ? '`' : RESERVED;
    if (!reserved.includes(ch)) {
      out += ch;
      i++;
      continue;
    }

    // "||" closing the last line of a quote marks the quote expandable.
    if (quote && !inCode && top?.kind !== 'Spoiler' && input.startsWith('||', i)) {
      const after = input[i + 2];
      if (after === undefined || after === '\n') {
        quote.expandable = true;
        i += 2;
        continue;
      }
    }

    if (top && isEndOf(top.kind, input, i)) {
      i = closeEntity(stack.pop() as OpenEntity, input, i, out, entities);
      continue;
    }

    const markerIndex = i;
    let kind: Kind;
    let argument = '';
    switch (ch) {
      case '_':
        if (next === '_') {
          kind = 'Underline';
          i += 2;
        } else {
          kind = 'Italic';
          i++;
        }
        break;
      case '*':
        kind = 'Bold';
        i++;
        break;
      case '~':
        kind = 'Strikethrough';
        i++;
        break;
      case '|':
        if (next !== '|') throw reservedError(ch);
        kind = 'Spoiler';
        i += 2;
        break;
      case '[':
        kind = 'TextUrl';
        i++;
        break;
      case '!':
        if (next !== '[') throw reservedError(ch);
        kind = 'CustomEmoji';
        i += 2;
        break;
      case '`':
        if (next === '`' && input[i + 2] === '`') {
          i += 3;
          kind = 'Pre';
          let languageEnd = i;
          while (languageEnd < n && !/\s/.test(input[languageEnd] as string) && input[languageEnd] !== '`') {
            languageEnd++;
          }
          if (languageEnd !== i && languageEnd < n && input[languageEnd] !== '`') {
            kind = 'PreCode';
            argument = input.slice(i, languageEnd);
            i = languageEnd;
          }
          i = skipOneNewline(input, i);
        } else {
          kind = 'Code';
          i++;
        }
        break;
      default:
        throw reservedError(ch);
    }
    stack.push({ kind, argument, start: out.length, markerIndex });
  }

  const unclosed = stack.at(-1);
  if (unclosed) {
    throw new MarkupError(
      `Can't find end of ${unclosed.kind} entity at byte offset ${byteOffset(input, unclosed.markerIndex)}`,
    );
  }
  closeQuote();
  return { text: out, entities: sortEntities(entities) };
}

function reservedError(ch: string): MarkupError {
  return new MarkupError(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
}

function isEndOf(kind: Kind, input: string, i: number): boolean {
  const ch = input[i];
  const next = input[i + 1];
  switch (kind) {
    case 'Bold':
      return ch === '*';
    case 'Italic':
      return ch === '_' && next !== '_';
    case 'Underline':
      return ch === '_' && next === '_';
    case 'Strikethrough':
      return ch === '~';
    case 'Spoiler':
      return ch === '|' && next === '|';
    case 'Code':
      return ch === '`';
    case 'Pre':
    case 'PreCode':
      return ch === '`' && next === '`' && input[i + 2] === '`';
    case 'TextUrl':
    case 'CustomEmoji':
      return ch === ']';
  }
}

/** Consumes the closing marker at `i`, records the entity and returns the index after the marker. */
function closeEntity(
  open: OpenEntity,
  input: string,
  i: number,
  out: string,
  entities: MessageEntity[],
): number {
  const offset = open.start;
  const length = out.length - offset;
  const empty = length === 0;
  const type = BOT_API_TYPE[open.kind];
  switch (open.kind) {
    case 'Bold':
    case 'Italic':
    case 'Strikethrough':
    case 'Code':
      if (!empty) entities.push({ type, offset, length });
      return i + 1;
    case 'Underline':
    case 'Spoiler':
      if (!empty) entities.push({ type, offset, length });
      return i + 2;
    case 'Pre':
      if (!empty) entities.push({ type, offset, length });
      return i + 3;
    case 'PreCode':
      if (!empty) entities.push({ type, offset, length, language: open.argument });
      return i + 3;
    case 'TextUrl':
    case 'CustomEmoji': {
      let url: string;
      let end = i + 1;
      if (input[i + 1] !== '(') {
        // "[text]" without a target links to its own text.
        url = out.slice(offset);
      } else {
        const urlStart = i + 2;
        let j = urlStart;
        url = '';
        while (j < input.length && input[j] !== ')') {
          const next = input[j + 1];
          if (
            input[j] === '\\' &&
            next !== undefined &&
            next.charCodeAt(0) > 0 &&
            next.charCodeAt(0) <= 126
          ) {
            url += next;
            j += 2;
            continue;
          }
          url += input[j];
          j++;
        }
        if (input[j] !== ')') {
          throw new MarkupError(`Can't find end of a URL at byte offset ${byteOffset(input, urlStart)}`);
        }
        end = j + 1;
      }
      if (open.kind === 'CustomEmoji') {
        const id = /^tg:\/\/emoji\?id=(\d+)$/.exec(url)?.[1];
        if (id === undefined) throw new MarkupError('Custom emoji entity must contain a tg://emoji URL');
        if (!empty) entities.push({ type, offset, length, custom_emoji_id: id });
      } else if (!empty) {
        const entity = linkEntity(url, offset, length);
        if (entity) entities.push(entity);
      }
      return end;
    }
  }
}

/** Pre blocks drop one line break right after the opening marker (and language). */
export function skipOneNewline(input: string, i: number): number {
  const ch = input[i];
  if (ch !== '\n' && ch !== '\r') return i;
  const next = input[i + 1];
  return (next === '\n' || next === '\r') && next !== ch ? i + 2 : i + 1;
}
