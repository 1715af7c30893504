import { INJECTION_RULES, type InjectionCategory, type InjectionRule } from './injection-patterns';
import {
  basicNormalize,
  decodedBase64Runs,
  decodedHexRuns,
  decodeLeet,
  foldConfusables,
  joinSpacedLetters,
  rot13,
} from './normalize';

export interface InjectionMatch {
  rule: string;
  category: InjectionCategory;
  weight: number;
  /** Where it was found: the plain text, or the decoded/obfuscated form that revealed it. */
  via: Variant;
}

export interface InjectionVerdict {
  /** 0..1: 1 - Π(1 - weight) over the distinct rules that matched, plus the obfuscation rule. */
  score: number;
  /** score >= threshold. */
  flagged: boolean;
  matches: InjectionMatch[];
}

export interface InjectionOptions {
  /** Score from which a message counts as an injection attempt. @defaultValue 0.5 */
  threshold?: number;
  /** Extra rules (e.g. phrases specific to a deployment), run like the built-in ones. */
  extraRules?: readonly InjectionRule[];
}

type Variant = 'plain' | 'confusables' | 'leet' | 'spaced' | 'reversed' | 'base64' | 'hex' | 'rot13';

/** A match found only in a decoded or de-obfuscated form is an attempt to hide it. */
const OBFUSCATION_WEIGHT = 0.3;

/** Texts longer than this are only scanned in their first part, so scoring time stays bounded. */
const MAX_SCAN = 20_000;

/**
 * Scores a user message for prompt injection: the documented rules (injection-patterns.ts) run on
 * the normalised text and on the forms attackers use to slip past plain matching (look-alike
 * letters, leetspeak, spaced-out letters, reversed text, base64, hex, ROT13).
 */
export function detectInjection(text: string, opts: InjectionOptions = {}): InjectionVerdict {
  const threshold = opts.threshold ?? 0.5;
  const rules = opts.extraRules ? [...INJECTION_RULES, ...opts.extraRules] : INJECTION_RULES;
  const plain = basicNormalize(text.slice(0, MAX_SCAN));
  const folded = foldConfusables(plain);
  const variants: Array<[Variant, string]> = [['plain', plain]];
  if (folded !== plain) variants.push(['confusables', folded]);
  const leet = decodeLeet(folded);
  if (leet !== folded) variants.push(['leet', leet]);
  const spaced = joinSpacedLetters(folded);
  if (spaced !== folded) variants.push(['spaced', spaced]);
  variants.push(['reversed', Array.from(folded).reverse().join('')]);
  for (const decoded of decodedBase64Runs(text)) variants.push(['base64', basicNormalize(decoded)]);
  for (const decoded of decodedHexRuns(text)) variants.push(['hex', basicNormalize(decoded)]);
  if (/\b(?:rot ?13|caesar)\b/i.test(plain)) variants.push(['rot13', rot13(plain)]);

  const best = new Map<string, InjectionMatch>();
  for (const rule of rules) {
    for (const [via, candidate] of variants) {
      if (rule.multilingual && via !== 'plain' && via !== 'base64') continue;
      if (!rule.pattern.test(candidate)) continue;
      if (!best.has(rule.id))
        best.set(rule.id, { rule: rule.id, category: rule.category, weight: rule.weight, via });
      break;
    }
  }
  const matches = [...best.values()];
  if (matches.some((m) => m.via !== 'plain')) {
    matches.push({ rule: 'obfuscated', category: 'obfuscation', weight: OBFUSCATION_WEIGHT, via: 'plain' });
  }
  const score = 1 - matches.reduce((keep, m) => keep * (1 - m.weight), 1);
  const rounded = Math.round(score * 1000) / 1000;
  return { score: rounded, flagged: rounded >= threshold, matches };
}
