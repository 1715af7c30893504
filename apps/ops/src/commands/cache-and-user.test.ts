import type { UpdateJob } from '@parley/contracts';
import { createHistoryStore, createReplyLedger } from '@parley/conversation';
import { acceptUpdate } from '@parley/lanes';
import { type CacheScope, createResponseCache, createSemanticCache } from '@parley/llm';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import { testOpsContext } from '../__tests__/context';
import { runOps } from '../run-ops';
import { chatKeysMatch } from './user-forget';

const redis = createTestRedis();
const prefix = uniquePrefix('opsdata');
const { ctx, lines, queue, keys, connectors } = testOpsContext(redis, prefix);
const run = (...argv: string[]) => runOps(argv, connectors);

afterAll(async () => {
  await queue.close();
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});
beforeEach(() => {
  lines.length = 0;
});

/** A deterministic embedding: letters counted, so equal prompts give equal vectors. */
const embed = async (text: string) => {
  const v = new Array(26).fill(0);
  for (const c of text.toLowerCase()) if (c >= 'a' && c <= 'z') v[c.charCodeAt(0) - 97]++;
  return v;
};
const scope: CacheScope = { model: 'm', systemPrompt: 's', temperature: 0, maxTokens: 10, context: 'none' };
const parts = { model: 'm', systemPrompt: 's', temperature: 0, maxTokens: 10, prompt: 'what is redis?' };

describe('cache purge', () => {
  it("deletes the bot's exact and semantic cache entries and nothing else", async () => {
    // Written the way the worker writes them (apps/worker deps.ts).
    const cacheOf = (bot: string) =>
      createResponseCache(redis, { keyFor: (hash) => keys.responseCache(bot, hash), ttlSeconds: 60 });
    const semanticOf = (bot: string) =>
      createSemanticCache(redis, {
        keyPrefix: `${prefix}:${bot}`,
        embed,
        threshold: 0.99,
        refreshIntervalMs: 0,
      });
    const semantic = semanticOf('default');
    await cacheOf('default').set(parts, 'an answer');
    await cacheOf('other').set(parts, 'kept');
    await semantic.store(scope, 'what is redis?', 'a database');
    await semanticOf('other').store(scope, 'what is redis?', 'kept');
    await redis.set(keys.history('default', 7), 'not a cache');
    expect((await semantic.lookup(scope, 'What is Redis?')).kind).toBe('hit');

    expect(await run('cache', 'purge', '--dry-run')).toBe(0);
    expect(lines).toEqual(['would purge 1 response cache entries and 3 semantic cache keys of bot default']);
    expect(await cacheOf('default').get(parts)).toBe('an answer');

    expect(await run('cache', 'purge', '--json')).toBe(0);
    expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({
      responseCacheEntries: 1,
      semanticCacheKeys: 3,
      removed: 4,
    });
    expect(await cacheOf('default').get(parts)).toBeUndefined();
    // A pod that had the scope in memory sees the purge on its next refresh.
    expect((await semantic.lookup(scope, 'What is Redis?')).kind).not.toBe('hit');
    expect(await cacheOf('other').get(parts)).toBe('kept');
    expect((await semanticOf('other').lookup(scope, 'what is redis?')).kind).toBe('hit');
    expect(await redis.get(keys.history('default', 7))).toBe('not a cache');
  });
});

const message = (userId: number, updateId: number, text: string): UpdateJob => ({
  botId: 'default',
  receivedAt: Date.now(),
  update: {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1,
      chat: { id: userId, type: 'private' },
      from: { id: userId, is_bot: false, first_name: 'U' },
      text,
    },
  } as UpdateJob['update'],
});
const inlineQuery = (userId: number, updateId: number): UpdateJob => ({
  botId: 'default',
  receivedAt: Date.now(),
  update: {
    update_id: updateId,
    inline_query: {
      id: `q${updateId}`,
      from: { id: userId, is_bot: false, first_name: 'U' },
      query: 'hi',
      offset: '',
    },
  } as UpdateJob['update'],
});

/** What the gateway and worker keep about a user: inbox, history, ledger, dead letter, chatless job. */
async function rememberUser(userId: number, firstUpdate: number): Promise<void> {
  await acceptUpdate(ctx, message(userId, firstUpdate, 'my name is Ada'));
  await acceptUpdate(ctx, inlineQuery(userId, firstUpdate + 1));
  const history = createHistoryStore(redis, { maxMessages: 20, ttlSeconds: 600 });
  const tx = redis.multi();
  history.appendTo(tx, keys.history('default', userId), [
    { role: 'user', content: 'my name is Ada' },
    { role: 'assistant', content: 'Hello Ada' },
  ]);
  await tx.exec();
  await createReplyLedger(redis).decide(keys.replyLedger('default', userId, firstUpdate), 'Hello Ada', 'llm');
  await ctx.deadLetters.add({
    botId: 'default',
    chatId: userId,
    updateId: firstUpdate + 2,
    reason: 'Forbidden',
    payload: JSON.stringify(message(userId, firstUpdate + 2, 'secret')),
  });
}

describe('user forget', () => {
  it('finds every per-chat key through the chat hash tag', () => {
    const match = new RegExp(
      `^${chatKeysMatch(ctx, 'default', 42).replace(/[{}]/g, '\\$&').replace('*', '.*')}$`,
    );
    for (const key of [
      keys.history('default', 42),
      keys.replyLedger('default', 42, 1),
      keys.inbox('default', 42),
      keys.inboxData('default', 42),
      keys.sentMessages('default', 42),
      keys.chatInactive('default', 42),
      keys.busyNotice('default', 42),
    ])
      expect(key).toMatch(match);
    expect(keys.history('default', 421)).not.toMatch(match);
  });

  it("deletes one user's conversation, pending work, dead letters and chatless jobs, and no one else's", async () => {
    await rememberUser(100001, 10);
    await rememberUser(100002, 20);
    const keysOf = (userId: number) => redis.keys(chatKeysMatch(ctx, 'default', userId));
    expect((await keysOf(100001)).length).toBeGreaterThanOrEqual(4);

    expect(await run('user', 'forget', '100001', '--dry-run')).toBe(0);
    expect(lines[0]).toMatch(
      /^would forget user 100001 of bot default: \d+ keys of the private chat, 1 dead letters, 1 kept jobs, its pending lane$/,
    );
    expect((await keysOf(100001)).length).toBeGreaterThanOrEqual(4);

    expect(await run('user', 'forget', '100001')).toBe(0);
    expect(await keysOf(100001)).toEqual([]);
    expect(await redis.zscore(keys.pendingLanes(), 'default:100001')).toBeNull();
    const letters = await ctx.deadLetters.list();
    expect(letters.map((l) => l.chatId)).toEqual([100002]);
    const jobs = await queue.getJobs(['waiting', 'delayed', 'failed', 'completed']);
    const inline = jobs.filter((j) => j.name === 'telegram-update');
    expect(inline.map((j) => (j.data as UpdateJob).update.update_id)).toEqual([21]);

    // The other user keeps everything.
    expect(
      await createHistoryStore(redis, { maxMessages: 20, ttlSeconds: 600 }).load(
        keys.history('default', 100002),
      ),
    ).toHaveLength(2);
    expect(await ctx.inbox.size('default', 100002)).toBe(1);
    expect(await redis.zscore(keys.pendingLanes(), 'default:100002')).not.toBeNull();
  });
});
