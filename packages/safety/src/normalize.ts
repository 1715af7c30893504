/**
 * Text normalisation shared by the injection detector and the canary check: the same words
 * written with full-width letters, invisible characters, look-alike letters from other scripts,
 * leetspeak or spaced-out letters must read the same as the plain words.
 */

/** Zero-width and other invisible format characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen...). */
const INVISIBLE = /\p{Cf}|\u034f|[\u115f\u1160\u3164\uffa0]/gu;

/** Letters from Cyrillic and Greek that look like Latin ones (the usual homoglyph substitutions). */
const CONFUSABLES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ɡ: 'g',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
};
const CONFUSABLE_RE = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'g');

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
};

/** NFKC (full-width and styled letters to plain ones), invisible characters removed, lower case. */
export function basicNormalize(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '').toLowerCase();
}

/** Look-alike Cyrillic/Greek letters replaced by the Latin letters they imitate. */
export function foldConfusables(text: string): string {
  return text.replace(CONFUSABLE_RE, (ch) => CONFUSABLES[ch] ?? ch);
}

/** Leetspeak digits and symbols inside words read as letters ("1gn0r3" → "ignore"). */
export function decodeLeet(text: string): string {
  return text.replace(/[\p{L}\d@$!|]+/gu, (word) =>
    /\p{L}/u.test(word) ? word.replace(/[013457@$!|]/g, (ch) => LEET[ch] ?? ch) : word,
  );
}

/**
 * Runs of single letters separated by spaces, dots, dashes or underscores joined into words
 * ("i g n o r e" → "ignore", "p.r.o.m.p.t" → "prompt"). Separators of two or more spaces count as
 * word breaks, so "i g n o r e  a l l" becomes "ignore all".
 */
export function joinSpacedLetters(text: string): string {
  return text.replace(/(?<![\p{L}\p{N}])\p{L}(?:(?: |[._-]) ?\p{L}(?![\p{L}\p{N}])){3,}/gu, (run) =>
    run
      .split(/ {2,}/)
      .map((part) => part.replace(/[ ._-]/g, ''))
      .join(' '),
  );
}

/** Base64 (and base64url) runs long enough to hide a sentence, decoded when they decode to text. */
export function decodedBase64Runs(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/[A-Za-z0-9+/_-]{16,}={0,2}/g)) {
    const run = m[0];
    const decoded = Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    // Mostly printable text, not the bytes of random data.
    const printable = decoded.replace(/[^\p{L}\p{N}\p{P}\p{Zs}\n]/gu, '');
    if (decoded.length >= 8 && printable.length / decoded.length > 0.9) out.push(decoded);
  }
  return out;
}

/** Hex runs decoded when they decode to text. */
export function decodedHexRuns(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:[0-9a-f]{2}){8,}/gi)) {
    const decoded = Buffer.from(m[0], 'hex').toString('utf8');
    const printable = decoded.replace(/[^\p{L}\p{N}\p{P}\p{Zs}\n]/gu, '');
    if (printable.length / decoded.length > 0.9) out.push(decoded);
  }
  return out;
}

/** ROT13, the other "encoding" jailbreaks ask models to decode. */
export function rot13(text: string): string {
  return text.replace(/[a-z]/gi, (ch) => {
    const base = ch <= 'Z' ? 65 : 97;
    return String.fromCharCode(((ch.charCodeAt(0) - base + 13) % 26) + base);
  });
}
