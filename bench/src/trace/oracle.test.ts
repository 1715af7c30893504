import { oracleHitRatio } from './oracle';
import { generateTrace, normalizePrompt, type TraceMessage } from './trace';

const first = (userId: number, prompt: string): TraceMessage => ({
  userId,
  turn: 1,
  contextFree: true,
  prompt,
  rank: 1,
});
const followUp = (userId: number, turn: number, prompt: string): TraceMessage => ({
  userId,
  turn,
  contextFree: false,
  prompt,
  rank: 0,
});

describe('oracleHitRatio', () => {
  it('counts a hit only for a context-free first turn whose normalized prompt was seen before', () => {
    const trace: TraceMessage[] = [
      first(1, 'What is Redis?'), // miss: first time
      followUp(1, 2, 'why?'), // not cacheable
      first(2, 'what is redis'), // hit: same normalized prompt
      followUp(2, 2, 'why?'), // not cacheable even though "why?" was seen
      first(3, '  WHAT   is redis!'), // hit
      first(3, 'explain docker'), // miss
      followUp(3, 2, 'what is redis'), // a follow-up with a seen text: still not cacheable
      first(4, 'explain docker?'), // hit
    ];
    const result = oracleHitRatio(trace);
    expect(result).toEqual({
      messages: 8,
      contextFree: 5,
      hits: 3,
      distinctPrompts: 2,
      distinctUsers: 4,
      hitRatio: 3 / 8,
      firstTurnHitRatio: 3 / 5,
    });
  });

  it('is zero on an empty trace', () => {
    expect(oracleHitRatio([]).hitRatio).toBe(0);
  });
});

describe('normalizePrompt', () => {
  it('lower-cases, collapses spaces and drops trailing punctuation', () => {
    expect(normalizePrompt('  What  IS\tRedis?! ')).toBe('what is redis');
  });
});

describe('generateTrace', () => {
  it('is deterministic and multi-turn, with only first turns context-free', () => {
    const a = [...generateTrace({ users: 50, messages: 2_000, seed: 3 })];
    const b = [...generateTrace({ users: 50, messages: 2_000, seed: 3 })];
    expect(a).toEqual(b);
    expect(a.every((m) => m.contextFree === (m.turn === 1))).toBe(true);
    expect(Math.max(...a.map((m) => m.turn))).toBeGreaterThan(2);
    expect(new Set(a.map((m) => m.userId)).size).toBe(50);
  });

  it('accepts a million user ids and rejects more', () => {
    const trace = [...generateTrace({ users: 1_000_000, messages: 1_000 })];
    expect(trace).toHaveLength(1_000);
    expect(trace.every((m) => m.userId >= 0 && m.userId < 1_000_000)).toBe(true);
    expect(() => generateTrace({ users: 1_000_001 }).next()).toThrow(/1,000,000/);
  });

  it('gives a Zipf head that an oracle cache can hit', () => {
    const result = oracleHitRatio(generateTrace({ users: 10_000, messages: 20_000 }));
    expect(result.firstTurnHitRatio).toBeGreaterThan(0.3);
    expect(result.hitRatio).toBeLessThan(result.firstTurnHitRatio);
  });
});
