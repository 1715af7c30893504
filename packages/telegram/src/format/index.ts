import { markdownToEntities } from './markdown';
import { type FormattedPart, MESSAGE_LIMIT, splitFormatted } from './split';

export { parseInline } from './inline';
export { markdownToEntities, trimFormatted } from './markdown';
export { type FormattedPart, MESSAGE_LIMIT, splitFormatted } from './split';
export type { FormattedText, MessageEntity } from './types';

/**
 * LLM Markdown → messages ready for `sendMessage(chatId, part.text, { entities: part.entities })`,
 * each within Telegram's limit. Never throws: if the conversion itself fails the raw text is
 * split and sent plain, because no reply may be lost to a formatting problem.
 */
export function formatForTelegram(markdown: string, limit = MESSAGE_LIMIT): FormattedPart[] {
  try {
    return splitFormatted(markdownToEntities(markdown), limit);
  } catch {
    return splitFormatted({ text: markdown, entities: [] }, limit);
  }
}

/** The plain-text fallback of parts (for a 400 "can't parse entities"): same text, no entities. */
export function plainParts(parts: readonly FormattedPart[]): FormattedPart[] {
  return parts.map((p) => ({ ...p, entities: [] }));
}
