import { z } from 'zod';
import { detectEntities } from '../markup/auto-entities';
import { checkLink, isSpace, MarkupError, type ParsedText, sortEntities } from '../markup/entities';
import { parseHtml } from '../markup/html';
import { parseMarkdown } from '../markup/markdown';
import { parseMarkdownV2 } from '../markup/markdown-v2';
import { ApiError, badRequest } from './api-error';
import type { MessageEntity, User } from './telegram-types';

/** Telegram's limit for a text message, checked after the markup is parsed (in UTF-16 code units). */
export const MAX_TEXT_LENGTH = 4096;

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
  /** The parse mode as the bot spelled it, when one was used. */
  parseMode?: string;
}

export interface FormatOptions {
  /** Drafts may be empty (Telegram shows "Thinking..." then). @defaultValue false */
  allowEmpty?: boolean;
  /** Looks up users for text_mention entities; mentions of unknown users are dropped. */
  resolveUser?: (id: number) => User | undefined;
}

/**
 * Turns the `text` / `parse_mode` / `entities` parameters of a method into the stored text and
 * its entities, the way Telegram does: markup parsed (errors become 400 "can't parse entities"),
 * explicit entities used only without a parse mode, surrounding blanks trimmed, links/mentions/
 * commands detected, and the length limit checked on the result.
 */
export function formatText(
  rawText: unknown,
  rawParseMode: unknown,
  rawEntities: unknown,
  opts: FormatOptions = {},
): FormattedText {
  const input = typeof rawText === 'string' ? rawText : rawText == null ? '' : String(rawText);
  if (input === '' && !opts.allowEmpty) throw badRequest('message text is empty');

  const parseMode = typeof rawParseMode === 'string' ? rawParseMode : undefined;
  let parsed: ParsedText;
  const mode = parseMode?.toLowerCase() ?? '';
  try {
    if (input === '' || mode === '' || mode === 'none')
      parsed = { text: input, entities: explicitEntities(rawEntities) };
    else if (mode === 'html') parsed = parseHtml(input);
    else if (mode === 'markdownv2') parsed = parseMarkdownV2(input);
    else if (mode === 'markdown') parsed = parseMarkdown(input);
    else throw badRequest('unsupported parse_mode');
  } catch (err) {
    if (err instanceof MarkupError) throw badRequest(err.message);
    throw err;
  }

  const trimmed = trim(parsed);
  if (trimmed.text === '' && !opts.allowEmpty) throw badRequest('message text is empty');
  if (trimmed.text.length > MAX_TEXT_LENGTH) throw badRequest('message is too long');

  const entities: MessageEntity[] = [];
  for (const entity of trimmed.entities) {
    if (entity.type !== 'text_mention') {
      entities.push(entity);
      continue;
    }
    const user = entity.user && opts.resolveUser?.(entity.user.id);
    if (user) entities.push({ ...entity, user });
  }
  entities.push(...detectEntities(trimmed.text, entities));
  const result: FormattedText = { text: trimmed.text, entities: sortEntities(entities) };
  if (parseMode !== undefined && mode !== '' && mode !== 'none') result.parseMode = parseMode;
  return result;
}

/** Drops leading and trailing blanks, moving the entities with the text and clipping them to it. */
function trim(parsed: ParsedText): ParsedText {
  const { text } = parsed;
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text[start])) start++;
  while (end > start && isSpace(text[end - 1])) end--;
  const entities: MessageEntity[] = [];
  for (const e of parsed.entities) {
    const from = Math.max(e.offset, start);
    const to = Math.min(e.offset + e.length, end);
    if (to > from) entities.push({ ...e, offset: from - start, length: to - from });
  }
  return { text: text.slice(start, end), entities };
}

const ENTITY_TYPES = new Set([
  'mention',
  'hashtag',
  'cashtag',
  'bot_command',
  'url',
  'email',
  'phone_number',
  'bold',
  'italic',
  'underline',
  'strikethrough',
  'spoiler',
  'blockquote',
  'expandable_blockquote',
  'code',
  'pre',
  'text_link',
  'text_mention',
  'custom_emoji',
  'date_time',
]);

const entityInput = z.object({
  type: z.string(),
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
  url: z.string().optional(),
  user: z.looseObject({ id: z.number().int() }).optional(),
  language: z.string().optional(),
  custom_emoji_id: z.string().optional(),
});

/** The `entities` parameter, used as given (types Telegram does not know are ignored). */
function explicitEntities(raw: unknown): MessageEntity[] {
  if (raw === undefined || raw === null) return [];
  const parsed = z.array(entityInput).safeParse(raw);
  if (!parsed.success) throw new ApiError(400, "Bad Request: can't parse entities JSON object");
  const out: MessageEntity[] = [];
  for (const e of parsed.data) {
    if (!ENTITY_TYPES.has(e.type) || e.length === 0) continue;
    const entity: MessageEntity = { type: e.type, offset: e.offset, length: e.length };
    if (e.type === 'text_link') {
      const url = e.url === undefined ? undefined : checkLink(e.url);
      if (url === undefined) continue;
      entity.url = url;
    }
    if (e.type === 'pre' && e.language) entity.language = e.language;
    if (e.type === 'custom_emoji' && e.custom_emoji_id) entity.custom_emoji_id = e.custom_emoji_id;
    if (e.type === 'text_mention') {
      if (!e.user) continue;
      entity.user = { id: e.user.id, is_bot: false, first_name: '' };
    }
    out.push(entity);
  }
  return out;
}
