import { secretTokenMatches } from './secret-token';

describe('secretTokenMatches', () => {
  it('accepts the exact secret only', () => {
    expect(secretTokenMatches('abc_DEF-123', 'abc_DEF-123')).toBe(true);
    expect(secretTokenMatches('abc_DEF-123', 'abc_DEF-124')).toBe(false);
    expect(secretTokenMatches('abc', 'abcd')).toBe(false);
    expect(secretTokenMatches('abc', '')).toBe(false);
    expect(secretTokenMatches('abc', undefined)).toBe(false);
    expect(secretTokenMatches('abc', ['abc', 'abc'])).toBe(false);
  });
});
