import { countTokens, promptTokensFor } from '@parley/llm-sim';
import { hash32 } from '../trace/vocabulary';

/**
 * The "LLM" of the cache replay: one canonical answer per intent, so a served answer tells which
 * intent it was written for, and the tokens a real call would have cost (the simulator's own
 * tokenizer: one token per 4 characters, plus per-message framing).
 */

const FILLER =
  'Here is a clear, practical explanation with the key points first, an example, and the usual pitfalls to avoid. ';

/** Completion length of an intent's answer: 60 to 400 simulated tokens. */
export function answerTokens(intent: number): number {
  return 60 + (hash32(intent * 3 + 7) % 341);
}

/** The canonical answer to `intent`: it starts with `[intent N]` and is `answerTokens(intent)` tokens long. */
export function canonicalAnswer(intent: number): string {
  const head = `[intent ${intent}] `;
  const chars = answerTokens(intent) * 4;
  let body = head;
  while (body.length < chars) body += FILLER;
  return body.slice(0, chars);
}

/** The intent an answer was written for, or undefined when it is not a canonical answer. */
export function intentOfAnswer(answer: string): number | undefined {
  const match = /^\[intent (\d+)\]/.exec(answer);
  return match ? Number(match[1]) : undefined;
}

/** Prompt and completion tokens of one chat call: system prompt + the user's message → the answer. */
export function callTokens(
  systemPrompt: string,
  prompt: string,
  answer: string,
): { prompt: number; completion: number } {
  return {
    prompt: promptTokensFor([
      { role: 'system', content: systemPrompt },
      { role: 'user', content: prompt },
    ]),
    completion: countTokens(answer),
  };
}
