import { createRandom, createZipf } from './zipf';

describe('createRandom', () => {
  it('is deterministic for a seed and stays in [0, 1)', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});

describe('createZipf', () => {
  const n = 1000;
  const s = 1.1;
  const samples = 200_000;
  const zipf = createZipf(n, s, createRandom(7));
  const counts = new Array<number>(n + 1).fill(0);
  for (let i = 0; i < samples; i++) {
    const k = zipf.sample();
    counts[k] = (counts[k] ?? 0) + 1;
  }

  it('samples ranks in 1..n only', () => {
    expect(counts[0]).toBe(0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(samples);
  });

  it('has probabilities that sum to 1 and fall as 1/k^s', () => {
    let sum = 0;
    for (let k = 1; k <= n; k++) sum += zipf.probability(k);
    expect(sum).toBeCloseTo(1, 9);
    expect(zipf.probability(1) / zipf.probability(2)).toBeCloseTo(2 ** s, 9);
    expect(zipf.probability(0)).toBe(0);
    expect(zipf.probability(n + 1)).toBe(0);
  });

  it('matches the expected frequencies of the top ranks within 5 %', () => {
    for (const k of [1, 2, 3, 10]) {
      const expected = zipf.probability(k) * samples;
      expect(Math.abs((counts[k] ?? 0) - expected) / expected).toBeLessThan(0.05);
    }
  });

  it('puts more mass on the head than on the tail', () => {
    const head = counts.slice(1, 11).reduce((a, b) => a + b, 0);
    const tail = counts.slice(n - 99).reduce((a, b) => a + b, 0);
    expect(head).toBeGreaterThan(10 * tail);
  });

  it('rejects bad parameters', () => {
    expect(() => createZipf(0, 1.1, Math.random)).toThrow(/n must be/);
    expect(() => createZipf(10, 0, Math.random)).toThrow(/s must be/);
  });
});
