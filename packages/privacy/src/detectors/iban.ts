import type { Detector, PiiMatch } from '../kinds';

/**
 * IBANs: country code, two check digits, then 11-30 letters or digits, compact or in groups of
 * four, validated with the ISO 13616 mod-97 check. A trailing group that breaks the check (a
 * word that happened to follow) is dropped and the rest checked again.
 */
const CANDIDATE = /\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b/g;

export function ibanValid(compact: string): boolean {
  if (compact.length < 15 || compact.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

export const ibans: Detector = (text) => {
  const out: PiiMatch[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    let value = m[0];
    const start = m.index ?? 0;
    for (let tries = 0; tries < 3 && value.length >= 15; tries++) {
      if (ibanValid(value.replace(/[ -]/g, ''))) {
        out.push({ kind: 'iban', start, end: start + value.length, value });
        break;
      }
      value = value.replace(/[ -]?[A-Z0-9]{1,4}$/, '');
    }
  }
  return out;
};
