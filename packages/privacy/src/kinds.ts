/** What the detector finds. Secrets first: they are never to be shown again once masked. */
export type PiiKind =
  | 'url_credentials'
  | 'bot_token'
  | 'api_key'
  | 'bearer_token'
  | 'secret_assignment'
  | 'card'
  | 'iban'
  | 'email'
  | 'ip'
  | 'phone';

export const PII_KINDS: readonly PiiKind[] = [
  'url_credentials',
  'bot_token',
  'api_key',
  'bearer_token',
  'secret_assignment',
  'card',
  'iban',
  'email',
  'ip',
  'phone',
];

/** Credentials rather than personal data: never restored into answers, whatever the policy. */
export const SECRET_KINDS: ReadonlySet<PiiKind> = new Set([
  'url_credentials',
  'bot_token',
  'api_key',
  'bearer_token',
  'secret_assignment',
]);

/** One finding: `text.slice(start, end) === value`. */
export interface PiiMatch {
  kind: PiiKind;
  start: number;
  end: number;
  value: string;
}

/** A detector scans the whole text and returns its candidates (overlaps are resolved later). */
export type Detector = (text: string) => PiiMatch[];

/** Collects every match of a global regex as `kind`, optionally filtered by `accept`. */
export function regexDetector(kind: PiiKind, pattern: RegExp, accept?: (value: string) => boolean): Detector {
  if (!pattern.global) throw new Error(`pattern for ${kind} must be global`);
  return (text) => {
    const out: PiiMatch[] = [];
    for (const m of text.matchAll(pattern)) {
      const value = m[0];
      if (value === '' || (accept && !accept(value))) continue;
      const start = m.index ?? 0;
      out.push({ kind, start, end: start + value.length, value });
    }
    return out;
  };
}
