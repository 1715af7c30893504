import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import { createHistoryStore } from './history';
import { createReplyLedger } from './reply-ledger';

const redis = createTestRedis();
const prefix = uniquePrefix('conv');
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

describe('history store', () => {
  it('keeps the most recent window of turns and expires idle conversations', async () => {
    const history = createHistoryStore(redis, { maxMessages: 4, ttlSeconds: 120 });
    const key = `${prefix}:h1`;
    for (let i = 1; i <= 3; i++) {
      const tx = redis.multi();
      history.appendTo(tx, key, [
        { role: 'user', content: `q${i}` },
        { role: 'assistant', content: `a${i}` },
      ]);
      await tx.exec();
    }
    expect((await history.load(key)).map((t) => t.content)).toEqual(['q2', 'a2', 'q3', 'a3']);
    expect(await redis.ttl(key)).toBeGreaterThan(100);
    await history.clear(key);
    expect(await history.load(key)).toEqual([]);
  });

  it('keeps nothing when the window is 0', async () => {
    const history = createHistoryStore(redis, { maxMessages: 0, ttlSeconds: 120 });
    const key = `${prefix}:h0`;
    const tx = redis.multi();
    history.appendTo(tx, key, [{ role: 'user', content: 'x' }]);
    await tx.exec();
    expect(await redis.exists(key)).toBe(0);
  });
});

describe('reply ledger', () => {
  it('keeps the first decided answer, counts sent parts and finishes', async () => {
    const ledger = createReplyLedger(redis, 90_000);
    const key = `${prefix}:r1`;
    expect(await ledger.read(key)).toEqual({
      answer: undefined,
      kind: undefined,
      sent: 0,
      messageIds: [],
      done: false,
      attempts: 0,
      batch: undefined,
    });
    expect(await ledger.decide(key, 'first', 'llm')).toEqual({ answer: 'first', kind: 'llm' });
    expect(await ledger.decide(key, 'second', 'fallback')).toEqual({ answer: 'first', kind: 'llm' });
    await ledger.markPartSent(key, 1, 11, `${prefix}:sent1`);
    await ledger.markPartSent(key, 2, 12, `${prefix}:sent1`);
    expect(await redis.zrange(`${prefix}:sent1`, 0, -1)).toEqual(['11', '12']);
    await ledger.finish(key);
    expect(await ledger.read(key)).toMatchObject({
      answer: 'first',
      kind: 'llm',
      sent: 2,
      messageIds: [11, 12],
      done: true,
    });
    expect(await redis.ttl(key)).toBeGreaterThan(86_400);
  });
});

describe('reply ledger for batches and attempts', () => {
  it('counts attempts and keeps the first recorded batch', async () => {
    const ledger = createReplyLedger(redis, 90_000);
    const key = `${prefix}:r2`;
    expect(await ledger.countAttempt(key)).toBe(1);
    expect(await ledger.countAttempt(key)).toBe(2);
    expect(await ledger.claimBatch(key, [5, 6])).toEqual([5, 6]);
    expect(await ledger.claimBatch(key, [5, 6, 7])).toEqual([5, 6]);
    const member = `${prefix}:r3`;
    const tx = redis.multi();
    ledger.coverIn(tx, member, 5);
    await tx.exec();
    expect((await ledger.read(member)).done).toBe(true);
    expect(await redis.hget(member, 'coveredBy')).toBe('5');
  });
});
