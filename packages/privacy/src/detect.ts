import { cards } from './detectors/card';
import { emails, ipv4, ipv6, phones } from './detectors/contact';
import { ibans } from './detectors/iban';
import { apiKeys, bearerTokens, botTokens, secretAssignments, urlCredentials } from './detectors/secrets';
import { type Detector, PII_KINDS, type PiiKind, type PiiMatch } from './kinds';

const DETECTORS: ReadonlyArray<[PiiKind, Detector]> = [
  ['url_credentials', urlCredentials],
  ['bot_token', botTokens],
  ['api_key', apiKeys],
  ['bearer_token', bearerTokens],
  ['secret_assignment', secretAssignments],
  ['card', cards],
  ['iban', ibans],
  ['email', emails],
  ['ip', ipv4],
  ['ip', ipv6],
  ['phone', phones],
];

/** Earlier in PII_KINDS wins an overlap: a card number is not also reported as a phone number. */
const PRIORITY = new Map(PII_KINDS.map((kind, i) => [kind, i]));

/**
 * Cheap first look: every kind needs a digit, an '@', or one of the key prefixes. Most strings in
 * a log record (levels, names, ids) have none and skip the regexes entirely.
 */
const MAYBE =
  /[0-9@]|bearer|token|basic|secret|passw|pwd|api.?key|sk-|gh[pousr]_|github_pat|xox|akia|asia|aiza|glpat|hf_/i;

export interface DetectOptions {
  /** Kinds to look for. @defaultValue every kind */
  kinds?: readonly PiiKind[];
}

/**
 * Finds personal data and secrets in `text`: non-overlapping matches in text order. Where
 * candidates overlap, secrets beat cards, cards beat IBANs, and so on down to phone numbers; at
 * the same priority the longer match wins.
 */
export function detectPii(text: string, opts: DetectOptions = {}): PiiMatch[] {
  if (text.length < 6 || !MAYBE.test(text)) return [];
  const wanted = opts.kinds ? new Set(opts.kinds) : undefined;
  const found: PiiMatch[] = [];
  for (const [kind, detector] of DETECTORS) {
    if (wanted && !wanted.has(kind)) continue;
    found.push(...detector(text));
  }
  found.sort(
    (a, b) =>
      PRIORITY.get(a.kind)! - PRIORITY.get(b.kind)! ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start,
  );
  const kept: PiiMatch[] = [];
  for (const match of found) {
    if (kept.some((k) => match.start < k.end && k.start < match.end)) continue;
    kept.push(match);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Whether `text` holds anything `detectPii` would report. */
export function containsPii(text: string, opts: DetectOptions = {}): boolean {
  return detectPii(text, opts).length > 0;
}

/** `text` with every match replaced by `replacement(match)`. */
export function replaceMatches(
  text: string,
  matches: readonly PiiMatch[],
  replacement: (m: PiiMatch) => string,
): string {
  let out = '';
  let pos = 0;
  for (const m of matches) {
    out += text.slice(pos, m.start) + replacement(m);
    pos = m.end;
  }
  return out + text.slice(pos);
}
