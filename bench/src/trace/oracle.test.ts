import { normalizePrompt } from '@parley/llm';
import { Oracle, oracleHitRatio } from './oracle';
import { generateTrace, type TraceMessage } from './trace';
import { MAX_VOCABULARY, wordingsOf } from './vocabulary';

const ask = (userId: number, intent: number, wording: number, phrasing: number): TraceMessage => ({
  userId,
  turn: 1,
  contextFree: true,
  intent,
  wording,
  phrasing,
  prompt: `intent ${intent} wording ${wording}`,
});
const followUp = (userId: number, turn: number, intent: number): TraceMessage => ({
  userId,
  turn,
  contextFree: false,
  intent,
  wording: -1,
  phrasing: -1,
  prompt: 'why?',
});

describe('Oracle', () => {
  it('counts a hit only for a context-free message whose intent was answered before, and says how', () => {
    const oracle = new Oracle();
    const verdicts = [
      ask(1, 7, 0, 0), // first time intent 7 is asked
      followUp(1, 2, 7), // depends on the conversation: never a hit
      ask(2, 7, 0, 0), // the same wording again
      ask(3, 7, 2, 0), // the same phrasing with a filler
      ask(4, 7, 1, 3), // a phrasing not seen before
      ask(4, 9, 0, 0), // another intent: first time
      followUp(4, 2, 9), // a follow-up of an answered intent: still not cacheable
      ask(5, 7, 1, 3), // the rephrasing again: now a verbatim repeat
    ].map((m) => oracle.add(m));
    expect(verdicts).toEqual([
      'first',
      'not-cacheable',
      'exact',
      'filler',
      'rephrased',
      'first',
      'not-cacheable',
      'exact',
    ]);
    expect(oracle.result()).toEqual({
      messages: 8,
      contextFree: 6,
      hits: 4,
      exactHits: 2,
      fillerHits: 1,
      rephrasedHits: 1,
      distinctIntents: 2,
      distinctWordings: 4,
      distinctUsers: 5,
      hitRatio: 4 / 8,
      exactHitRatio: 2 / 8,
      contextFreeHitRatio: 4 / 6,
    });
  });

  it('is zero on an empty trace', () => {
    expect(oracleHitRatio([]).hitRatio).toBe(0);
  });
});

describe('wordingsOf', () => {
  it('gives every intent 3 to 7 distinct wordings, none shared with another intent', () => {
    const owner = new Map<string, number>();
    for (const intent of [...Array.from({ length: 1_000 }, (_, i) => i + 1), 50_000, 99_999]) {
      const wordings = wordingsOf(intent, 100_000);
      expect(wordings.length).toBeGreaterThanOrEqual(3);
      expect(wordings.length).toBeLessThanOrEqual(7);
      expect(wordings[0]?.phrasing).toBe(0);
      for (const { text } of wordings) {
        expect(owner.get(text) ?? intent).toBe(intent);
        owner.set(text, intent);
      }
      expect(new Set(wordings.map((w) => w.text)).size).toBe(wordings.length);
    }
  });

  it('reaches a vocabulary of a million intents with unit conversions', () => {
    expect(MAX_VOCABULARY).toBeGreaterThanOrEqual(1_000_000);
    expect(wordingsOf(1_000_000, 1_000_000)[0]?.text).toMatch(/^convert \d+ /);
  });
});

describe('generateTrace', () => {
  const trace = [...generateTrace({ users: 500, messages: 5_000, seed: 3 })];

  it('is deterministic', () => {
    expect([...generateTrace({ users: 500, messages: 5_000, seed: 3 })]).toEqual(trace);
  });

  it('holds multi-turn conversations whose first turn alone is context-free', () => {
    expect(trace.every((m) => m.contextFree === (m.turn === 1))).toBe(true);
    expect(Math.max(...trace.map((m) => m.turn))).toBeGreaterThan(3);
    const share = trace.filter((m) => m.contextFree).length / trace.length;
    expect(share).toBeGreaterThan(0.3);
    expect(share).toBeLessThan(0.7);
    // A follow-up belongs to its user's open conversation: same intent as the turn before.
    const last = new Map<number, TraceMessage>();
    for (const m of trace) {
      const before = last.get(m.userId);
      if (!m.contextFree) {
        expect(before?.intent).toBe(m.intent);
        expect(m.turn).toBe((before?.turn ?? 0) + 1);
      }
      last.set(m.userId, m);
    }
  });

  it('writes each opening question as one of its intent wordings, with surface noise only', () => {
    const strip = (text: string) => normalizePrompt(text).replace(/[?!]+$/u, '');
    for (const m of trace.filter((x) => x.contextFree)) {
      const wording = wordingsOf(m.intent, 100_000)[m.wording];
      expect(strip(m.prompt)).toBe(strip(wording?.text ?? '-'));
      expect(m.phrasing).toBe(wording?.phrasing);
    }
    // The noise is there: casing and punctuation vary.
    expect(trace.some((m) => m.contextFree && /[A-Z]/.test(m.prompt))).toBe(true);
    expect(trace.some((m) => m.contextFree && m.prompt.endsWith('?'))).toBe(true);
  });

  it('accepts a million user ids and rejects more', () => {
    const big = [...generateTrace({ users: 1_000_000, messages: 2_000 })];
    expect(big).toHaveLength(2_000);
    expect(big.every((m) => m.userId >= 0 && m.userId < 1_000_000)).toBe(true);
    expect(new Set(big.map((m) => m.userId)).size).toBeGreaterThan(500);
    expect(() => generateTrace({ users: 1_000_001 }).next()).toThrow(/1,000,000/);
    expect(() => generateTrace({ vocabulary: MAX_VOCABULARY + 1 }).next()).toThrow(/vocabulary/);
  });

  it('gives a Zipf head that a cache can hit, and paraphrases that only a semantic cache can', () => {
    const result = oracleHitRatio(generateTrace({ users: 10_000, messages: 20_000 }));
    expect(result.contextFreeHitRatio).toBeGreaterThan(0.5);
    expect(result.exactHits).toBeLessThan(result.hits);
    expect(result.fillerHits).toBeGreaterThan(0);
    expect(result.rephrasedHits).toBeGreaterThan(0);
    expect(result.exactHits + result.fillerHits + result.rephrasedHits).toBe(result.hits);
  });
});
