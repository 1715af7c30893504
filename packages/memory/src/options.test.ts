import { createTestRedis } from '@parley/testing';
import { createConversationMemory } from './memory';
import { resolveSettings } from './options';

const redis = createTestRedis();
afterAll(() => redis.quit());

const base = { redis, keyPrefix: 'parley', embed: async () => [], summarise: async () => '' };

describe('memory options', () => {
  it('fills in the documented defaults', () => {
    const { countTokens, ...settings } = resolveSettings(base);
    expect(settings).toEqual({
      keyPrefix: 'parley',
      foldEvery: 8,
      maxFoldTurns: 16,
      maxPendingTurns: 64,
      maxMemories: 200,
      retentionSeconds: 2_592_000,
      topK: 3,
      minSimilarity: 0.35,
      maxSummaryTokens: 400,
      maxTurnChars: 800,
      lockMs: 120_000,
    });
    expect(countTokens('abcd')).toBe(1);
  });

  it('names every bad option in one RangeError, a line each', () => {
    expect(() =>
      createConversationMemory({
        ...base,
        keyPrefix: 'a{b}',
        foldEvery: 0,
        minSimilarity: 2,
        maxPendingTurns: 4,
      }),
    ).toThrow(
      new RangeError(
        [
          'memory option keyPrefix: 1-64 characters without braces or spaces',
          'memory option foldEvery: Too small: expected number to be >=1',
          'memory option minSimilarity: Too big: expected number to be <=1',
        ].join('\n'),
      ),
    );
    expect(() => resolveSettings({ ...base, foldEvery: 10, maxPendingTurns: 12 })).toThrow(
      'memory option maxPendingTurns: must be at least maxFoldTurns',
    );
  });
});
