import { fmt, quantile, ratio, summarize } from './stats';

describe('stats', () => {
  it('computes nearest-rank quantiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(xs, 0.5)).toBe(50);
    expect(quantile(xs, 0.95)).toBe(95);
    expect(quantile(xs, 0.99)).toBe(99);
    expect(quantile([], 0.5)).toBeNaN();
    expect(summarize([3, 1, 2])).toEqual({ count: 3, p50: 2, p95: 3, p99: 3, max: 3 });
  });

  it('computes ratios and formats numbers', () => {
    expect(ratio(5, 2)).toBe(2.5);
    expect(ratio(5, 0)).toBeNaN();
    expect(fmt(Number.NaN)).toBe('–');
    expect(fmt(12345.6)).toBe('12,346');
    expect(fmt(1.2345)).toBe('1.23');
  });
});
