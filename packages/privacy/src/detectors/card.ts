import type { Detector, PiiMatch } from '../kinds';

/**
 * Payment card numbers: 13-19 digits, optionally grouped by spaces or dashes, that start like a
 * card (2-6: Visa, Mastercard, Amex, Discover, JCB, UnionPay, Maestro...) and pass the Luhn
 * check. The start and the check keep ids and timestamps out: a 13-digit ms timestamp starts with
 * 1, a negative chat id with '-'.
 */
const CANDIDATE = /(?<![\d-])[2-6]\d{0,3}(?:[ -]?\d){12,18}(?!\d|[ -]\d)/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export const cards: Detector = (text) => {
  const out: PiiMatch[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const value = m[0];
    const digits = value.replace(/[ -]/g, '');
    if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) continue;
    // Separators must be consistent (one kind) to be a card rather than a list of numbers.
    if (/ /.test(value) && /-/.test(value)) continue;
    const start = m.index ?? 0;
    out.push({ kind: 'card', start, end: start + value.length, value });
  }
  return out;
};
