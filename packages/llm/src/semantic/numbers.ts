/**
 * The numbers of a prompt, in order, as one string: a semantic hit must ask about the same ones.
 * Embeddings barely tell "how many calories does a 30 minute run burn" from the same question
 * about a 45 minute run (the simulator scores the pair 0.94: every other word is shared), yet the
 * answers differ. Comparing digit runs is exact and cheap, so no threshold has to carry it.
 */
export function numbersOf(normalizedPrompt: string): string {
  return normalizedPrompt.match(/\p{Nd}+/gu)?.join(' ') ?? '';
}
