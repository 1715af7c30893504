import { createSecretCheck } from './secret-check';

describe('createSecretCheck', () => {
  it('accepts exactly the secret', () => {
    const matches = createSecretCheck('abc_DEF-123');
    expect(matches('abc_DEF-123')).toBe(true);
    expect(matches('abc_DEF-124')).toBe(false);
    expect(matches('abc_DEF-1234')).toBe(false);
    expect(matches('')).toBe(false);
    expect(matches(undefined)).toBe(false);
    expect(matches(['abc_DEF-123', 'abc_DEF-123'])).toBe(false);
  });
});
