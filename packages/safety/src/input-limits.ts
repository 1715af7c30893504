import { detectInjection, type InjectionOptions, type InjectionVerdict } from './injection';

export interface InputCheckOptions extends InjectionOptions {
  /**
   * Longest message accepted, in characters (Unicode code points). Telegram's own limit is 4096
   * per message; coalesced messages can be longer. @defaultValue 4000
   */
  maxChars?: number;
}

export type InputVerdict =
  | { ok: true; injection: InjectionVerdict }
  | { ok: false; reason: 'too_long'; length: number; maxChars: number }
  | { ok: false; reason: 'injection'; injection: InjectionVerdict };

/**
 * The input gate before a message reaches the LLM: length first (cheap, and the detector's time
 * grows with length), then the injection score. What to do with a refusal (answer politely,
 * log, count) is the caller's decision.
 */
export function checkInput(text: string, opts: InputCheckOptions = {}): InputVerdict {
  const maxChars = opts.maxChars ?? 4000;
  if (!Number.isInteger(maxChars) || maxChars < 1) throw new RangeError('maxChars must be an integer >= 1');
  let length = 0;
  for (const _ of text) {
    if (++length > maxChars) break;
  }
  if (length > maxChars) return { ok: false, reason: 'too_long', length: [...text].length, maxChars };
  const injection = detectInjection(text, opts);
  return injection.flagged ? { ok: false, reason: 'injection', injection } : { ok: true, injection };
}
