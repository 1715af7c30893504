/**
 * A token estimator that needs no tokenizer: Parley talks to any OpenAI-compatible backend
 * (GPT, Llama, Qwen…), each with its own vocabulary, so an exact count for one would be wrong
 * for the others. The estimate errs high, because it guards a context limit:
 *
 * - ASCII text: 4 characters per token (OpenAI's documented rule of thumb for English, and
 *   what the project's LLM simulator counts);
 * - CJK ideographs, kana, hangul and emoji (astral characters): 1 token each (they often take
 *   one or more tokens each in BPE vocabularies);
 * - any other character (accented Latin, Cyrillic, Greek, Arabic…): half a token.
 *
 * Callers with a real tokenizer for their model pass their own `countTokens`.
 */

/** Tokens a chat message costs besides its text (role and separators); OpenAI documents ~3-4. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

const WIDE = /[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/u;

export function estimateTokens(text: string): number {
  let ascii = 0;
  let wide = 0;
  let other = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) ascii++;
    else if (code > 0xffff || WIDE.test(char)) wide++;
    else other++;
  }
  return Math.ceil(ascii / 4 + wide + other / 2);
}

/** A token counter: the estimator above or the caller's own. */
export type CountTokens = (text: string) => number;

/** Tokens of one chat message: its text plus the per-message overhead. */
export function messageTokens(content: string, count: CountTokens = estimateTokens): number {
  return count(content) + MESSAGE_OVERHEAD_TOKENS;
}

/**
 * The histogram the worker can register for prompt sizes (`new Histogram({ ...PROMPT_TOKENS_METRIC,
 * registers: [registry] })`, then `observe(prompt.tokens.total)` before each LLM call). Buckets
 * double from 64 to 128k tokens, so both a short chat and a full 128k context are told apart.
 */
export const PROMPT_TOKENS_METRIC = {
  name: 'parley_llm_prompt_tokens',
  help: 'Estimated tokens of each prompt sent to the LLM (system, summary, recalled memories, recent turns, new message), after the prompt budget trimmed it',
  buckets: [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072],
} as const;
