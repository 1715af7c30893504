/**
 * The content words of a prompt, in order, as one string: a semantic hit must ask with the same
 * ones. Embeddings score a question and the same question with a word or two added, dropped or
 * swapped as high as a paraphrase ("… summary of salary negotiation for kids" scored 0.952
 * against "… summary of negotiation for kids" with the simulator's embeddings, above the 0.933
 * tuned on other traffic), yet the answers differ. No threshold separates the two kinds reliably,
 * so the words themselves decide: only fillers may differ between a query and the stored prompt.
 *
 * A word counts unless adding or dropping it cannot change what is asked: a greeting, a courtesy
 * or a request frame at either end ("hey bot,", "can you tell me", "please", "thanks"), and, in
 * any place, articles, present forms of "be" and "do" ("what's redis" asks what "what is redis"
 * asks) and a few intensifiers ("what exactly is", "how does it actually work"). Everything else
 * counts, words of other languages too, so the rule errs towards a miss: question words,
 * prepositions, negations, pronouns, tense ("was"), qualifiers ("for kids"). Order counts too:
 * "convert 30 km to miles" has the words of "convert 30 miles to km".
 */

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** Phrases that open a message without being part of the question. */
const OPENERS = phrases([
  'hey',
  'hi',
  'hello',
  'please',
  'ok',
  'okay',
  'so',
  'hey bot',
  'hi bot',
  'hello bot',
  'quick question',
  'one question',
  'can you',
  'could you',
  'would you',
  'will you',
  'tell me',
  'do you know',
]);

/** Phrases that close a message without being part of the question. */
const CLOSERS = phrases([
  'please',
  'pls',
  'plz',
  'thanks',
  'thx',
  'ty',
  'thank you',
  'thanks a lot',
  'thanks in advance',
  'thank you very much',
]);

/** Words that never change the question wherever they stand: articles, "be", "do", intensifiers. */
const IGNORED_ANYWHERE = new Set([
  ...['a', 'an', 'the', 'is', 'are', 'am', 's', 'do', 'does'],
  ...['actually', 'exactly', 'really', 'basically'],
]);

function phrases(list: readonly string[]): string[][] {
  // Longest first, so "thank you very much" goes as one phrase rather than "thank you" + rest.
  return list.map((p) => p.split(' ')).sort((a, b) => b.length - a.length);
}

function startsWith(words: readonly string[], at: number, phrase: readonly string[]): boolean {
  return phrase.every((w, i) => words[at + i] === w);
}

/**
 * The content words of `normalizedPrompt` (see `normalizePrompt`), joined by spaces. A prompt
 * made of fillers only ("hi", "thanks") keeps all its words, so two such prompts match only when
 * they are the same words.
 */
export function contentWordsOf(normalizedPrompt: string): string {
  const words = normalizedPrompt.toLowerCase().match(WORD) ?? [];
  let start = 0;
  let end = words.length;
  for (let stripped = true; stripped && start < end; ) {
    stripped = false;
    for (const phrase of OPENERS) {
      if (start + phrase.length <= end && startsWith(words, start, phrase)) {
        start += phrase.length;
        stripped = true;
        break;
      }
    }
  }
  for (let stripped = true; stripped && start < end; ) {
    stripped = false;
    for (const phrase of CLOSERS) {
      if (end - phrase.length >= start && startsWith(words, end - phrase.length, phrase)) {
        end -= phrase.length;
        stripped = true;
        break;
      }
    }
  }
  const content = words.slice(start, end).filter((w) => !IGNORED_ANYWHERE.has(w));
  return (content.length > 0 ? content : words).join(' ');
}
