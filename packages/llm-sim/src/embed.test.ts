import { cosineSimilarity, embeddingToBase64, embedText } from './embed';

describe('embedText', () => {
  it('returns unit vectors of the requested length', () => {
    for (const dim of [1, 8, 256, 1536]) {
      const vector = embedText('the quick brown fox', dim);
      expect(vector).toHaveLength(dim);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 10);
    }
  });

  it('is deterministic and case-insensitive', () => {
    expect(embedText('Hello World')).toEqual(embedText('hello world'));
  });

  it('makes texts sharing words closer than unrelated texts', () => {
    const cat = embedText('the cat sat on the mat');
    const similar = embedText('a cat sat on a mat');
    const unrelated = embedText('quarterly revenue exceeded forecasts');
    expect(cosineSimilarity(cat, similar)).toBeGreaterThan(0.4);
    expect(cosineSimilarity(cat, similar)).toBeGreaterThan(cosineSimilarity(cat, unrelated) + 0.3);
  });

  it('never makes two different words look alike', () => {
    // With one hash bucket per word, 1 pair in 256 shared a bucket and scored ±1: unrelated
    // questions became near-duplicates. Spread over 8 buckets, any two words overlap a little.
    const words = Array.from({ length: 1_000 }, (_, i) => `word${i.toString(36)}`);
    const vectors = words.map((w) => embedText(w));
    let worst = 0;
    for (let i = 0; i < vectors.length; i++) {
      for (let j = i + 1; j < vectors.length; j++) {
        worst = Math.max(worst, Math.abs(cosineSimilarity(vectors[i]!, vectors[j]!)));
      }
    }
    expect(worst).toBeLessThan(0.75);
  });

  it('uses word order through bigrams', () => {
    expect(embedText('dog bites man')).not.toEqual(embedText('man bites dog'));
  });

  it('gives punctuation-only text a stable vector and empty text zeros', () => {
    expect(Math.hypot(...embedText('?!'))).toBeCloseTo(1, 10);
    expect(embedText('', 4)).toEqual([0, 0, 0, 0]);
  });

  it('rejects a bad dimension', () => {
    expect(() => embedText('x', 0)).toThrow(RangeError);
  });
});

describe('embeddingToBase64', () => {
  it('encodes little-endian float32', () => {
    const vector = [0.5, -0.25, 1 / 3];
    const bytes = Buffer.from(embeddingToBase64(vector), 'base64');
    expect(bytes).toHaveLength(12);
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4), bytes.readFloatLE(8)]).toEqual(
      vector.map(Math.fround),
    );
  });
});
