import { isIPv6 } from 'node:net';
import { type Detector, type PiiMatch, regexDetector } from '../kinds';

export const emails: Detector = regexDetector(
  'email',
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}(?![\p{L}\p{N}-])/gu,
);

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** IPv4 (loopback and 0.0.0.0 are kept: they say nothing about anyone and help debugging). */
export const ipv4: Detector = regexDetector(
  'ip',
  new RegExp(`(?<![\\d.])(?:${OCTET}\\.){3}${OCTET}(?!\\d|\\.\\d)`, 'g'),
  (value) => !value.startsWith('127.') && value !== '0.0.0.0',
);

/** IPv6 candidates checked with node:net (so times like 12:30:45 are not addresses). */
export const ipv6: Detector = regexDetector(
  'ip',
  /(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:%\w+)?(?![\w:])/gi,
  (value) =>
    value !== '::' && value !== '::1' && /[0-9a-f]/i.test(value) && isIPv6(value.replace(/%\w+$/, '')),
);

/**
 * Phone numbers, recall first (a missed number is a leak, an extra mask is a small cost):
 * - international: `+` or `00`, then 8-15 digits in any grouping (`+44 20 7946 0958`,
 *   `+1 (555) 123-4567`, `+7 912 345-67-89`, `0049 30 1234567`);
 * - national numbers written with separators, 9-13 digits (`(555) 123-4567`, `020 7946 0958`,
 *   `06 12 34 56 78`), but not dates or thousands groupings (`1 000 000 000`);
 * - any 7-15 digit run right after a word like "phone", "tel", "call", "WhatsApp".
 * Bare digit runs elsewhere are ids far more often than phone numbers (logs are full of them).
 */
const INTERNATIONAL = /(?<![\w+])(?:\+|\b00)\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){2,6}(?![\w]|[.-]\d)/g;
const NATIONAL = /(?<![\w.+-])(?:\(\d{2,5}\)|\d{2,5})(?:[ .-]\(?\d{2,5}\)?){1,5}(?![\w]|[.-]\d)/g;
const AFTER_KEYWORD =
  /(?<=(?<!\p{L})(?:phone|tel|telephone|call|mobile|cell|whatsapp|viber|signal|sms|fax|number|телефон|тел|номер|número|numéro|nummer|telefono|teléfono)(?!\p{L})[^\d\n]{0,15})\+?\d{7,15}(?!\d)/giu;

const digitCount = (value: string) => value.replace(/\D/g, '').length;

function collect(text: string, pattern: RegExp, accept: (value: string) => boolean, out: PiiMatch[]): void {
  for (const m of text.matchAll(pattern)) {
    const value = m[0].replace(/[ .-]+$/, '');
    if (!accept(value)) continue;
    const start = m.index ?? 0;
    out.push({ kind: 'phone', start, end: start + value.length, value });
  }
}

export const phones: Detector = (text) => {
  const out: PiiMatch[] = [];
  collect(text, INTERNATIONAL, (v) => digitCount(v) >= 8 && digitCount(v) <= 17, out);
  collect(
    text,
    NATIONAL,
    (v) =>
      digitCount(v) >= 9 &&
      digitCount(v) <= 13 &&
      !/^\d{4}[-./]\d{1,2}[-./]\d{1,2}/.test(v) &&
      !/^\d{1,2}[-./]\d{1,2}[-./]\d{4}/.test(v) &&
      !/^\d{1,3}(?:[ ,.]\d{3})+$/.test(v),
    out,
  );
  collect(text, AFTER_KEYWORD, () => true, out);
  return out;
};
