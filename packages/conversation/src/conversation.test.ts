import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import { COMMIT_LUA, turnEntries } from './commit-lua';
import { createHistoryStore, parseTurns } from './history';
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
    expect(await ledger.begin(key)).toMatchObject({ attempts: 1, sent: 0, done: false });
    expect(await ledger.decide(key, 'first', 'llm')).toEqual({ answer: 'first', kind: 'llm' });
    expect(await ledger.decide(key, 'second', 'fallback')).toEqual({ answer: 'first', kind: 'llm' });
    await ledger.markPartSent(key, 1, 11, `${prefix}:sent1`);
    await ledger.markPartSent(key, 2, 12, `${prefix}:sent1`);
    expect(await redis.zrange(`${prefix}:sent1`, 0, -1)).toEqual(['11', '12']);
    expect(await redis.ttl(`${prefix}:sent1`)).toBeGreaterThan(86_400);
    const tx = redis.multi();
    ledger.finishIn(tx, key);
    await tx.exec();
    expect(await ledger.read(key)).toMatchObject({
      answer: 'first',
      kind: 'llm',
      sent: 2,
      messageIds: [11, 12],
      done: true,
    });
    expect(await redis.ttl(key)).toBeGreaterThan(86_400);
  });

  it('sets the lifetime when the first attempt begins, and only then', async () => {
    const ledger = createReplyLedger(redis, 90_000);
    const key = `${prefix}:r-ttl`;
    await ledger.begin(key);
    // Shorten it by hand: later writes of the attempt must not pay for another EXPIRE.
    await redis.expire(key, 1_000);
    await ledger.decide(key, 'answer', 'llm');
    await ledger.markPartSent(key, 1, 5, `${prefix}:sent-ttl`);
    const tx = redis.multi();
    ledger.finishIn(tx, key);
    await tx.exec();
    expect(await redis.ttl(key)).toBeLessThanOrEqual(1_000);
    expect(await ledger.begin(key)).toMatchObject({ attempts: 2, answer: 'answer', messageIds: [5] });
    expect(await redis.ttl(key)).toBeLessThanOrEqual(1_000);
  });

  it('reads message ids recorded by earlier versions', async () => {
    const ledger = createReplyLedger(redis, 90_000);
    const key = `${prefix}:r-old`;
    await redis.hset(key, 'answer', 'a', 'sent', '2', 'ids', '7,9');
    await ledger.markPartSent(key, 3, 11, `${prefix}:sent-old`);
    expect(await ledger.read(key)).toMatchObject({ sent: 3, messageIds: [7, 9, 11] });
  });

  it('keeps the record of bot messages near its most recent 200', async () => {
    const ledger = createReplyLedger(redis, 90_000);
    const key = `${prefix}:r-many`;
    const sentKey = `${prefix}:sent-many`;
    await ledger.begin(key);
    // Every other id, as when user and bot messages alternate.
    for (let id = 2; id <= 1_000; id += 2) await ledger.markPartSent(key, 1, id, sentKey);
    const size = await redis.zcard(sentKey);
    expect(size).toBeGreaterThanOrEqual(200);
    expect(size).toBeLessThan(230);
    expect(await redis.zrange(sentKey, -1, -1)).toEqual(['1000']);
  });
});

describe('committing the last part with the update', () => {
  it('records the last part, the sent record and "done" in the caller\'s MULTI', async () => {
    const ledger = createReplyLedger(redis, 90_000);
    const key = `${prefix}:r-last`;
    const sentKey = `${prefix}:sent-last`;
    await ledger.begin(key);
    await ledger.decide(key, 'two parts', 'llm');
    await ledger.markPartSent(key, 1, 21, sentKey);
    const tx = redis.multi();
    ledger.finishIn(tx, key, { sentCount: 2, messageId: 22, sentKey });
    await tx.exec();
    expect(await ledger.read(key)).toMatchObject({ sent: 2, messageIds: [21, 22], done: true });
    expect(await redis.zrange(sentKey, 0, -1)).toEqual(['21', '22']);
    expect(await redis.ttl(sentKey)).toBeGreaterThan(86_400);
  });

  it('trims the sent record there as the script does', async () => {
    const ledger = createReplyLedger(redis, 90_000);
    const sentKey = `${prefix}:sent-last-many`;
    for (let id = 3; id <= 1_500; id += 3) {
      const tx = redis.multi();
      ledger.finishIn(tx, `${prefix}:r-last-${id}`, { sentCount: 1, messageId: id, sentKey });
      await tx.exec();
    }
    const size = await redis.zcard(sentKey);
    expect(size).toBeGreaterThanOrEqual(200);
    expect(size).toBeLessThan(230);
  });
});

describe('reply ledger for batches and attempts', () => {
  it('counts attempts and keeps the first recorded batch', async () => {
    const ledger = createReplyLedger(redis, 90_000);
    const key = `${prefix}:r2`;
    expect((await ledger.begin(key)).attempts).toBe(1);
    expect((await ledger.begin(key)).attempts).toBe(2);
    await ledger.uncountAttempt(key);
    expect((await ledger.begin(key)).attempts).toBe(2);
    expect(await ledger.claimBatch(key, [5, 6])).toEqual([5, 6]);
    expect(await ledger.claimBatch(key, [5, 6, 7])).toEqual([5, 6]);
    expect((await ledger.read(key)).batch).toEqual([5, 6]);
    const member = `${prefix}:r3`;
    const tx = redis.multi();
    ledger.coverIn(tx, member, 5);
    await tx.exec();
    expect((await ledger.read(member)).done).toBe(true);
    expect(await redis.hget(member, 'coveredBy')).toBe('5');
    expect(await redis.ttl(member)).toBeGreaterThan(86_400);
  });
});

describe('COMMIT_LUA', () => {
  const run = (body: string, keys: string[], args: string[]) =>
    redis.eval(`${COMMIT_LUA}\n${body}\nreturn 1`, keys.length, ...keys, ...args);

  it('appends turns like the history store: the newest window, expiring when idle', async () => {
    const history = createHistoryStore(redis, { maxMessages: 4, ttlSeconds: 120 });
    const key = `${prefix}:lua-h`;
    for (let i = 1; i <= 3; i++) {
      const turns = turnEntries([
        { role: 'user', content: `q${i}` },
        { role: 'assistant', content: `a${i}` },
      ]);
      await run('appendTurns(KEYS[1], 4, 120, ARGV)', [key], turns);
    }
    expect((await history.load(key)).map((t) => t.content)).toEqual(['q2', 'a2', 'q3', 'a3']);
    expect(await redis.llen(key)).toBe(4);
    expect(await redis.ttl(key)).toBeGreaterThan(100);
  });

  it('finishes a ledger with its last part, and covers a member with a lifetime', async () => {
    const ledger = createReplyLedger(redis, 90_000);
    const key = `${prefix}:lua-r`;
    const member = `${prefix}:lua-m`;
    await ledger.begin(key);
    await run(
      "finishLedger(KEYS[1], '1', '31', KEYS[2], 90000) coverLedger(KEYS[3], '7', 90000)",
      [key, `${prefix}:lua-sent`, member],
      [],
    );
    expect(await ledger.read(key)).toMatchObject({ sent: 1, messageIds: [31], done: true });
    expect(await redis.zrange(`${prefix}:lua-sent`, 0, -1)).toEqual(['31']);
    expect(await redis.hget(member, 'coveredBy')).toBe('7');
    expect(await redis.ttl(member)).toBeGreaterThan(86_400);
  });
});

describe('parseTurns', () => {
  it('keeps well-formed turns and skips the rest', () => {
    expect(
      parseTurns([
        JSON.stringify({ role: 'user', content: 'hi' }),
        'not json',
        JSON.stringify({ role: 'system', content: 'x' }),
        JSON.stringify({ role: 'assistant', content: 'hello' }),
      ]),
    ).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ]);
  });
});
