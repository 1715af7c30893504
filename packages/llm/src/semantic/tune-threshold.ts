export interface LabelledPair {
  /** Cosine similarity of the two prompts' embeddings. */
  similarity: number;
  /** Whether one prompt's answer is a correct answer to the other. */
  sameAnswer: boolean;
}

export interface ThresholdChoice {
  /** The lowest threshold meeting the target, or null when none does (do not enable the cache). */
  threshold: number | null;
  /** Pairs with similarity ≥ threshold: the hits the cache would serve. */
  hits: number;
  /** Hits whose answer would be wrong. */
  wrongHits: number;
  /** wrongHits / hits (0 when there are no hits). */
  wrongHitRate: number;
  /** Share of the same-answer pairs served from the cache: what the threshold saves. */
  recall: number;
}

/**
 * Picks the lowest similarity threshold whose wrong-hit rate (wrong hits / hits, a hit being a
 * pair with similarity ≥ threshold) on labelled pairs stays ≤ `maxWrongHitRate`. Candidates are
 * the pairs' own similarities. The lowest qualifying threshold serves the most hits; a wrong hit
 * costs a user a wrong answer, so label enough near-duplicates with different answers
 * ("capital of France" / "capital of Germany") for the rate to mean something.
 */
export function tuneThreshold(pairs: readonly LabelledPair[], maxWrongHitRate = 0.01): ThresholdChoice {
  if (!(maxWrongHitRate >= 0 && maxWrongHitRate <= 1))
    throw new RangeError(`maxWrongHitRate must be in [0, 1], got ${maxWrongHitRate}`);
  for (const pair of pairs) {
    if (!Number.isFinite(pair.similarity))
      throw new RangeError(`similarity must be finite, got ${pair.similarity}`);
  }
  const sorted = [...pairs].sort((a, b) => b.similarity - a.similarity);
  const sameTotal = sorted.filter((p) => p.sameAnswer).length;
  let best: ThresholdChoice = { threshold: null, hits: 0, wrongHits: 0, wrongHitRate: 0, recall: 0 };
  let hits = 0;
  let wrongHits = 0;
  let i = 0;
  while (i < sorted.length) {
    const threshold = sorted[i]!.similarity;
    // Pairs with equal similarity are all hits or all misses at a threshold.
    while (i < sorted.length && sorted[i]!.similarity === threshold) {
      hits++;
      if (!sorted[i]!.sameAnswer) wrongHits++;
      i++;
    }
    const wrongHitRate = wrongHits / hits;
    if (wrongHitRate <= maxWrongHitRate) {
      best = {
        threshold,
        hits,
        wrongHits,
        wrongHitRate,
        recall: sameTotal === 0 ? 0 : (hits - wrongHits) / sameTotal,
      };
    }
  }
  return best;
}
