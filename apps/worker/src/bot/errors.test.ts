import { updateBackoffMs } from './errors';

describe('updateBackoffMs', () => {
  it('starts at about a second, doubles per failed attempt and stops at 30 s', () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => updateBackoffMs(n, mid))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('spreads retries between half and one and a half times the base', () => {
    expect(updateBackoffMs(1, () => 0)).toBe(500);
    expect(updateBackoffMs(1, () => 0.999)).toBe(1_499);
  });
});
