import type { MessageEntity } from '../bot-api/telegram-types';

/** Text with its markup removed and the formatting expressed as entities (UTF-16 offsets). */
export interface ParsedText {
  text: string;
  entities: MessageEntity[];
}

/**
 * Markup that Telegram refuses. `detail` is the part after "can't parse entities: ", worded like
 * Telegram's (which reports positions as UTF-8 byte offsets into the original text).
 */
export class MarkupError extends Error {
  constructor(readonly detail: string) {
    super(`can't parse entities: ${detail}`);
    this.name = 'MarkupError';
  }
}

/** UTF-8 byte offset of the UTF-16 index `index` in `text`, as Telegram's error messages count. */
export function byteOffset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, index), 'utf8');
}

/** Telegram's order: by offset, then longer (outer) entities first. */
export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}

/** Characters Telegram treats as blanks when parsing tags and trimming text. */
export function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v';
}

const ALLOWED_SCHEMES = new Set(['http:', 'https:', 'tg:', 'ton:', 'ftp:', 'mailto:']);

/**
 * Validates and normalizes a link target like Telegram does for text_link entities: a missing
 * scheme means http, the URL is normalized (so a bare host gains a trailing slash), and
 * anything unusable yields undefined, in which case Telegram silently drops the entity.
 */
export function checkLink(raw: string): string | undefined {
  const trimmed = raw.trim();
  if (trimmed === '' || /\s/.test(trimmed)) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (!ALLOWED_SCHEMES.has(url.protocol)) return undefined;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && !isValidHost(url.hostname)) return undefined;
  return url.href;
}

function isValidHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[')) return true;
  const labels = host.split('.');
  return (
    labels.length >= 2 &&
    labels.every((l) => l.length > 0) &&
    /^[a-z\-0-9]{2,}$|^xn--/i.test(labels.at(-1) ?? '')
  );
}

/** User id of a `tg://user?id=N` link, which Telegram turns into a text_mention. */
export function linkUserId(url: string): number | undefined {
  const match = /^tg:(?:\/\/)?user\?id=(\d+)$/i.exec(url.trim());
  return match?.[1] ? Number(match[1]) : undefined;
}

/**
 * Builds the entity for a link: a text_mention for `tg://user?id=`, a text_link for a valid URL,
 * nothing (Telegram drops it without error) otherwise.
 */
export function linkEntity(url: string, offset: number, length: number): MessageEntity | undefined {
  const userId = linkUserId(url);
  if (userId !== undefined) {
    return { type: 'text_mention', offset, length, user: { id: userId, is_bot: false, first_name: '' } };
  }
  const checked = checkLink(url);
  return checked === undefined ? undefined : { type: 'text_link', offset, length, url: checked };
}
