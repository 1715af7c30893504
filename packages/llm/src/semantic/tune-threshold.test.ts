import { cosineSimilarity, embedText } from '@parley/llm-sim';
import { normalizePrompt } from '../response-cache';
import { tuneThreshold } from './tune-threshold';

const same = (similarity: number) => ({ similarity, sameAnswer: true });
const wrong = (similarity: number) => ({ similarity, sameAnswer: false });

describe('tuneThreshold', () => {
  const pairs = [
    same(0.99),
    same(0.97),
    same(0.96),
    wrong(0.95),
    same(0.94),
    same(0.93),
    same(0.92),
    same(0.91),
    wrong(0.9),
    wrong(0.88),
    same(0.85),
    wrong(0.8),
  ];

  it('with no wrong hits allowed, stops just above the most similar wrong pair', () => {
    expect(tuneThreshold(pairs, 0)).toEqual({
      threshold: 0.96,
      hits: 3,
      wrongHits: 0,
      wrongHitRate: 0,
      recall: 3 / 8,
    });
  });

  it('picks the lowest threshold whose wrong-hit rate stays within the budget', () => {
    // At 0.91: 8 hits, 1 wrong (12.5%). At 0.90: 9 hits, 2 wrong (22%). At 0.85: 11, 3 wrong (27%).
    expect(tuneThreshold(pairs, 0.2)).toMatchObject({
      threshold: 0.91,
      hits: 8,
      wrongHits: 1,
      recall: 7 / 8,
    });
    expect(tuneThreshold(pairs, 0.125)).toMatchObject({ threshold: 0.91, wrongHitRate: 0.125 });
    // Just under 12.5%, every threshold from 0.95 down to 0.92 lets the 0.95 wrong pair through
    // with too few right hits to dilute it, so the choice jumps back to 0.96.
    expect(tuneThreshold(pairs, 0.12)).toMatchObject({ threshold: 0.96, hits: 3, wrongHits: 0 });
    expect(tuneThreshold(pairs, 1)).toMatchObject({ threshold: 0.8, hits: 12, recall: 1 });
  });

  it('uses the default budget of 1% and treats equal similarities together', () => {
    const tied = [same(0.97), same(0.95), wrong(0.95), same(0.95)];
    expect(tuneThreshold(tied)).toMatchObject({ threshold: 0.97, hits: 1 });
    expect(tuneThreshold(tied, 0.25)).toMatchObject({ threshold: 0.95, hits: 4, wrongHits: 1 });
  });

  it('returns no threshold when even the most similar pair is wrong, or there is no data', () => {
    expect(tuneThreshold([wrong(0.99), same(0.98)], 0.01).threshold).toBeNull();
    expect(tuneThreshold([], 0.01)).toEqual({
      threshold: null,
      hits: 0,
      wrongHits: 0,
      wrongHitRate: 0,
      recall: 0,
    });
    expect(() => tuneThreshold(pairs, 2)).toThrow(RangeError);
    expect(() => tuneThreshold([same(Number.NaN)])).toThrow(RangeError);
  });

  it('on simulator embeddings, keeps a different question that shares most words out', () => {
    const base = 'what is the capital city of france and what is its population';
    const sim = (text: string) =>
      cosineSimilarity(embedText(normalizePrompt(base), 256), embedText(normalizePrompt(text), 256));
    const labelled = [
      {
        similarity: sim('what is the capital city of france and what is its population today'),
        sameAnswer: true,
      },
      { similarity: sim('what is the capital city of france and what is the population'), sameAnswer: true },
      {
        similarity: sim('what is the capital city of germany and what is its population'),
        sameAnswer: false,
      },
      {
        similarity: sim('please tell me what is the capital city of france and what is its population'),
        sameAnswer: true,
      },
    ];
    const choice = tuneThreshold(labelled, 0);
    // The Germany question scores above the default 0.92, and above two right paraphrases:
    // a bag-of-words hit is a claim to check.
    expect(labelled[2]!.similarity).toBeGreaterThan(0.92);
    expect(choice.threshold).toBe(labelled[0]!.similarity);
    expect(choice.threshold!).toBeGreaterThan(labelled[2]!.similarity);
    expect(choice.recall).toBeCloseTo(1 / 3);
  });
});
