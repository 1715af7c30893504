import { cosineSimilarity, embedText, type LlmSim, startLlmSim } from '@parley/llm-sim';
import { createTestRedis, deleteKeysWithPrefix, sleep, uniquePrefix, waitFor } from '@parley/testing';
import type { Redis } from 'ioredis';
import { createLlmClient } from '../client';
import { normalizePrompt } from '../response-cache';
import { type CacheScope, scopeHash, semanticScopeKeys } from './keys';
import { createSemanticCache, type SemanticCacheEvent, type SemanticCacheOptions } from './semantic-cache';

const BASE = 'What is the capital city of France and what is its population?';
/** Fillers around the same words: the paraphrase the cache is for. */
const PARAPHRASE = 'hey, what is the capital city of france and what is its population? thanks';
/** The same words again, with a longer request frame: further from BASE in the embedding space. */
const WORDY = 'can you tell me what is the capital city of france and what is its population?';
const UNRELATED = 'How do I bake sourdough bread at home?';
const ANSWER = 'Paris; about 2.1 million people live in the city itself.';

const scope: CacheScope = {
  model: 'parley-sim-1',
  systemPrompt: 'You are a helpful assistant.',
  temperature: 0.7,
  maxTokens: 256,
  context: 'none',
};

/** What the cache computes: similarity of the normalised prompts' embeddings. */
function similarity(a: string, b: string): number {
  return cosineSimilarity(embedText(normalizePrompt(a), 256), embedText(normalizePrompt(b), 256));
}

describe('createSemanticCache against a real Redis', () => {
  let redis: Redis;
  const prefix = uniquePrefix('semcache');
  let testNo = 0;
  let keyPrefix: string;
  let embedCalls: string[];
  let events: SemanticCacheEvent[];

  const embed = (text: string): Promise<number[]> => {
    embedCalls.push(text);
    return Promise.resolve(embedText(text, 256));
  };
  const newCache = (overrides: Partial<SemanticCacheOptions> = {}) =>
    createSemanticCache(redis, { keyPrefix, embed, observe: (e) => events.push(e), ...overrides });

  beforeAll(() => {
    redis = createTestRedis();
  });
  beforeEach(() => {
    keyPrefix = `${prefix}:${++testNo}`;
    embedCalls = [];
    events = [];
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('answers a paraphrase with fillers from the stored answer, and misses an unrelated prompt', async () => {
    const cache = newCache();
    expect(await cache.lookup(scope, BASE)).toEqual({ kind: 'miss' });
    await cache.store(scope, BASE, ANSWER);

    const expected = similarity(BASE, PARAPHRASE);
    expect(expected).toBeGreaterThan(0.92);
    const hit = await cache.lookup(scope, PARAPHRASE);
    expect(hit).toEqual({ kind: 'hit', answer: ANSWER, matchedPrompt: BASE, similarity: expect.any(Number) });
    expect(hit.kind === 'hit' && hit.similarity).toBeCloseTo(expected, 5);

    expect(await cache.lookup(scope, UNRELATED)).toEqual({ kind: 'miss' });
    expect(events.map((e) => e.kind)).toEqual(['miss', 'hit', 'miss']);
    expect(events[1]!.similarity).toBeCloseTo(expected, 5);
  });

  it('reports a prompt just under the threshold as a near miss, and further below as a miss', async () => {
    const below = similarity(BASE, WORDY);
    expect(below).toBeGreaterThan(0.5);
    const threshold = below + 0.02;

    const cache = newCache({ threshold, nearMissMargin: 0.05 });
    await cache.store(scope, BASE, ANSWER);
    const nearMiss = await cache.lookup(scope, WORDY);
    expect(nearMiss).toEqual({ kind: 'near_miss', similarity: expect.any(Number) });
    expect(nearMiss.kind === 'near_miss' && nearMiss.similarity).toBeCloseTo(below, 5);
    expect(events).toEqual([{ kind: 'near_miss', similarity: expect.closeTo(below, 5) }]);

    // The same similarity outside a narrower margin is a plain miss; observe still sees how close it was.
    const narrow = newCache({ threshold, nearMissMargin: 0.01 });
    expect(await narrow.lookup(scope, WORDY)).toEqual({ kind: 'miss' });
    expect(events[1]).toEqual({ kind: 'miss', similarity: expect.closeTo(below, 5) });
  });

  it('never hits across scopes: another system prompt, model, temperature or max tokens', async () => {
    const cache = newCache();
    await cache.store(scope, BASE, ANSWER);
    expect(await cache.lookup(scope, BASE)).toMatchObject({ kind: 'hit', answer: ANSWER });

    const others: CacheScope[] = [
      { ...scope, systemPrompt: 'You are a pirate. Answer like one.' },
      { ...scope, model: 'other-model' },
      { ...scope, temperature: 0 },
      { ...scope, maxTokens: 16 },
    ];
    for (const other of others) {
      expect(scopeHash(other)).not.toBe(scopeHash(scope));
      expect(await cache.lookup(other, BASE)).toEqual({ kind: 'miss' });
      expect(await cache.lookup(other, PARAPHRASE)).toEqual({ kind: 'miss' });
    }
    // A turn with conversation context has no scope; callers bypassing the type are refused.
    const withContext = { ...scope, context: 'history' } as unknown as CacheScope;
    await expect(cache.lookup(withContext, BASE)).rejects.toThrow(TypeError);
    await expect(cache.store(withContext, BASE, ANSWER)).rejects.toThrow(TypeError);
  });

  it('never answers a prompt with other numbers, however similar the words', async () => {
    // Found by the cache benchmark: one unit conversion was served another's answer.
    const stored = 'how many calories does a 30 minute run burn for a person who weighs 70 kg';
    const asked = 'How many calories does a 45 minute run burn for a person who weighs 70 kg?';
    expect(similarity(stored, asked)).toBeGreaterThan(0.92);
    const cache = newCache({ threshold: 0.92 });
    await cache.store(scope, stored, 'About 300 kcal.');
    expect(await cache.lookup(scope, asked)).toEqual({ kind: 'miss' });
    // Not a near miss either: it is another question, not almost the same one.
    expect(await newCache({ threshold: 0.99, nearMissMargin: 0.2 }).lookup(scope, asked)).toEqual({
      kind: 'miss',
    });
    // The same numbers in other words still hit, from this process and from a fresh one.
    for (const reader of [cache, newCache({ threshold: 0.92 })]) {
      expect(await reader.lookup(scope, `hey, ${stored}`)).toMatchObject({
        kind: 'hit',
        answer: 'About 300 kcal.',
      });
    }
  });

  it('never answers a prompt that adds, drops, swaps or reorders a content word, however similar', async () => {
    // Found by the cache benchmark: each scored above the threshold tuned on held-out traffic (0.933).
    const cases = [
      [
        'give me a one paragraph summary of negotiation for kids thx',
        'Give me a one paragraph summary of salary negotiation for kids thx',
      ],
      [
        'hey bot, how do i get started with the stock market at home',
        'hey bot, how do i get started with the stock market?',
      ],
      [BASE, 'what is the capital city of france and what is its population today'],
      [BASE, 'What is the capital city of Germany and what is its population?'],
      ['convert 30 miles to km', 'convert 30 km to miles'],
    ] as const;
    const threshold = 0.85;
    for (const [i, [stored, asked]] of cases.entries()) {
      expect(similarity(stored, asked)).toBeGreaterThanOrEqual(threshold);
      const cache = newCache({ keyPrefix: `${keyPrefix}:${i}`, threshold });
      await cache.store(scope, stored, `answer ${i}`);
      // Not a near miss either: another question, not almost the same one.
      for (const reader of [cache, newCache({ keyPrefix: `${keyPrefix}:${i}`, threshold })]) {
        expect(await reader.lookup(scope, asked)).toEqual({ kind: 'miss' });
      }
    }
    expect(events.every((e) => e.kind === 'miss')).toBe(true);
  });

  it('answers the same content words with other fillers, articles or "be" around them', async () => {
    const stored = 'how do i get started with the stock market';
    const cache = newCache({ threshold: 0.6 });
    await cache.store(scope, stored, 'Open an account, buy an index fund.');
    const asked = [
      'hey bot, how do I get started with the stock market? thanks',
      'Please, can you tell me how do i get started with stock market',
      'so how do i get started with a stock market pls',
    ];
    for (const reader of [cache, newCache({ threshold: 0.6 })]) {
      for (const text of asked) {
        expect(await reader.lookup(scope, text)).toMatchObject({ kind: 'hit', matchedPrompt: stored });
      }
    }
  });

  it('evicts the oldest entries beyond maxEntriesPerScope', async () => {
    const prompts = ['alpha bravo charlie', 'delta echo foxtrot', 'golf hotel india', 'juliet kilo lima'];
    const cache = newCache({ maxEntriesPerScope: 3 });
    for (const [i, prompt] of prompts.entries()) await cache.store(scope, prompt, `answer ${i}`);

    const keys = semanticScopeKeys(keyPrefix, scopeHash(scope));
    expect(await redis.hlen(keys.entries)).toBe(3);
    expect(await redis.zcard(keys.order)).toBe(3);

    // Both the process that stored and a fresh one agree.
    for (const reader of [cache, newCache({ maxEntriesPerScope: 3 })]) {
      expect(await reader.lookup(scope, prompts[0]!)).toEqual({ kind: 'miss' });
      for (const [i, prompt] of prompts.entries()) {
        if (i === 0) continue;
        expect(await reader.lookup(scope, prompt)).toMatchObject({ kind: 'hit', answer: `answer ${i}` });
      }
    }
  });

  it('stores the same prompt once, the latest answer winning', async () => {
    const cache = newCache();
    await cache.store(scope, BASE, 'old answer');
    await cache.store(scope, `  ${BASE.toUpperCase()} `, ANSWER);
    const keys = semanticScopeKeys(keyPrefix, scopeHash(scope));
    expect(await redis.hlen(keys.entries)).toBe(1);
    expect(await newCache().lookup(scope, BASE)).toMatchObject({
      kind: 'hit',
      answer: ANSWER,
      similarity: expect.closeTo(1, 5),
    });
  });

  it('sets the TTL on every key of the scope', async () => {
    const cache = newCache({ ttlSeconds: 60 });
    await cache.store(scope, BASE, ANSWER);
    const keys = semanticScopeKeys(keyPrefix, scopeHash(scope));
    for (const key of [keys.entries, keys.order, keys.version]) {
      const pttl = await redis.pttl(key);
      expect(pttl).toBeGreaterThan(55_000);
      expect(pttl).toBeLessThanOrEqual(60_000);
    }
  });

  it('expires each entry after the TTL even while newer stores keep the scope alive', async () => {
    // A long refresh interval: this process's copy of the vectors still holds the old entry.
    const cache = newCache({ ttlSeconds: 1, refreshIntervalMs: 60_000 });
    await cache.store(scope, 'alpha bravo charlie', 'old');
    expect(await cache.lookup(scope, 'alpha bravo charlie')).toMatchObject({ kind: 'hit', answer: 'old' });
    await sleep(600);
    await cache.store(scope, 'delta echo foxtrot', 'new');
    await sleep(600);
    // The scope's keys were refreshed by the second store; the first entry is 1.2 s old.
    expect(await cache.lookup(scope, 'alpha bravo charlie')).toEqual({ kind: 'miss' });
    expect(await cache.lookup(scope, 'delta echo foxtrot')).toMatchObject({ kind: 'hit', answer: 'new' });
    expect(await newCache({ ttlSeconds: 1 }).lookup(scope, 'alpha bravo charlie')).toEqual({ kind: 'miss' });
    const keys = semanticScopeKeys(keyPrefix, scopeHash(scope));
    await waitFor(async () => (await redis.exists(keys.entries, keys.order, keys.version)) === 0, {
      timeoutMs: 3_000,
      what: 'the idle scope to expire',
    });
    expect(await newCache({ ttlSeconds: 1 }).lookup(scope, 'delta echo foxtrot')).toEqual({ kind: 'miss' });
  });

  it("lets two pods see each other's entries after their refresh interval", async () => {
    const podA = newCache({ refreshIntervalMs: 300 });
    const podB = newCache({ refreshIntervalMs: 300 });
    expect(await podB.lookup(scope, BASE)).toEqual({ kind: 'miss' }); // B now holds the (empty) scope

    await podA.store(scope, BASE, ANSWER);
    expect(await podA.lookup(scope, PARAPHRASE)).toMatchObject({ kind: 'hit', answer: ANSWER });
    // B trusts its in-process copy until the interval has passed: no Redis read per lookup.
    expect(await podB.lookup(scope, PARAPHRASE)).toEqual({ kind: 'miss' });

    const hit = await waitFor(
      async () => {
        const result = await podB.lookup(scope, PARAPHRASE);
        return result.kind === 'hit' ? result : undefined;
      },
      { timeoutMs: 3_000, intervalMs: 50, what: 'pod B to see pod A entry' },
    );
    expect(hit).toMatchObject({ answer: ANSWER, matchedPrompt: BASE });

    // And back: B stores, A sees it after its own refresh.
    await podB.store(scope, UNRELATED, 'Feed the starter, fold, proof overnight, bake hot.');
    await waitFor(async () => (await podA.lookup(scope, UNRELATED)).kind === 'hit', {
      timeoutMs: 3_000,
      intervalMs: 50,
      what: 'pod A to see pod B entry',
    });
  });

  it('shares one embedding call among 10 concurrent lookups of one new prompt', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slowEmbed = async (text: string): Promise<number[]> => {
      embedCalls.push(text);
      await gate;
      return embedText(text, 256);
    };
    const cache = newCache({ embed: slowEmbed });

    const lookups = Array.from({ length: 10 }, (_, i) =>
      cache.lookup(scope, i % 2 === 0 ? BASE : `  ${BASE.toLowerCase()}`),
    );
    await sleep(20);
    release();
    const results = await Promise.all(lookups);
    expect(results).toEqual(Array.from({ length: 10 }, () => ({ kind: 'miss' })));
    expect(embedCalls).toEqual([normalizePrompt(BASE)]);
  });
});

describe('createSemanticCache with embeddings from the simulator through the openai SDK', () => {
  let sim: LlmSim;
  let redis: Redis;
  const prefix = uniquePrefix('semcache-sdk');

  beforeAll(async () => {
    sim = await startLlmSim({ ttftMs: 0, tokensPerSecond: 0 });
    redis = createTestRedis();
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
    await sim.close();
  });

  it('hits on a paraphrase and misses an unrelated prompt', async () => {
    const client = createLlmClient({ baseURL: sim.baseURL, timeoutMs: 5_000, maxRetries: 0 });
    const embed = async (text: string): Promise<number[]> => {
      const res = await client.embeddings.create({ model: 'parley-sim-1', input: text });
      return res.data[0]!.embedding;
    };
    const cache = createSemanticCache(redis, { keyPrefix: prefix, embed });
    await cache.store(scope, BASE, ANSWER);
    const hit = await cache.lookup(scope, PARAPHRASE);
    expect(hit).toMatchObject({ kind: 'hit', answer: ANSWER, matchedPrompt: BASE });
    expect(hit.kind === 'hit' && hit.similarity).toBeCloseTo(similarity(BASE, PARAPHRASE), 4);
    expect(await cache.lookup(scope, UNRELATED)).toEqual({ kind: 'miss' });
    expect(sim.stats().byPath.embeddings.completed).toBe(3);
  });
});
