import type { UpdateJob } from '@parley/contracts';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import { testOpsContext } from './__tests__/context';
import { runOps, UsageError } from './run-ops';

const redis = createTestRedis();
const prefix = uniquePrefix('ops');
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

const payload: UpdateJob = {
  botId: 'default',
  receivedAt: 1,
  update: {
    update_id: 55,
    message: { message_id: 1, date: 1, chat: { id: 9, type: 'private' }, text: 'hi' },
  },
};

describe('parley-ops', () => {
  it('lists dead letters and replays one into its chat inbox, clearing its ledger', async () => {
    await redis.hset(keys.replyLedger('default', 9, 55), 'done', '1');
    const id = await ctx.deadLetters.add({
      botId: 'default',
      chatId: 9,
      updateId: 55,
      reason: 'Forbidden: bot was blocked',
      payload: JSON.stringify(payload),
    });
    expect(await run('dead-letters', 'list')).toBe(0);
    expect(lines.join('\n')).toContain(`${id}`);
    expect(lines.join('\n')).toContain('update=55  Forbidden: bot was blocked');

    expect(await run('dead-letters', 'replay', '--id', id)).toBe(0);
    expect(lines.at(-1)).toBe('replayed 1');
    expect(await ctx.inbox.size('default', 9)).toBe(1);
    expect(await redis.exists(keys.replyLedger('default', 9, 55))).toBe(0);
    expect(await ctx.deadLetters.size()).toBe(0);
    const [lane] = await queue.getJobs(['waiting']);
    expect(lane?.data).toEqual({ botId: 'default', chatId: 9 });
  });

  it('says when a dead letter to replay does not exist', async () => {
    expect(await run('dead-letters', 'replay', '--id', '1-1')).toBe(1);
    expect(lines).toContain('not found: 1-1');
  });

  it('shows queue depths as text and JSON', async () => {
    expect(await run('queues')).toBe(0);
    expect(lines.join('\n')).toMatch(/waiting\s+1/);
    lines.length = 0;
    expect(await run('queues', '--json')).toBe(0);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      queue: 'updates',
      counts: { waiting: 1 },
      pendingChats: 1,
    });
  });

  it('lists and retries failed jobs', async () => {
    const job = await queue.add('telegram-update', { bad: true }, { jobId: 'failed-1' });
    await job.moveToFailed(new Error('boom'), '0', false).catch(() => {});
    await redis.zadd(`${prefix}:updates:failed`, Date.now(), 'failed-1');
    await redis.lrem(`${prefix}:updates:wait`, 0, 'failed-1');
    expect(await run('failed-jobs', 'list')).toBe(0);
    expect(lines.join('\n')).toContain('failed-1');
    lines.length = 0;
    expect(await run('failed-jobs', 'retry', '--id', 'failed-1')).toBe(0);
    expect(await queue.getJobState('failed-1')).toBe('waiting');
  });

  it('explains its usage', async () => {
    await expect(run()).rejects.toThrow(UsageError);
    await expect(run('nope')).rejects.toThrow(/unknown command "nope"/);
    await expect(run('dead-letters', 'replay')).rejects.toThrow(/--id ID .* or --all/);
    await expect(run('user', 'forget')).rejects.toThrow(/user forget <userId>/);
    await expect(run('user', 'forget', '-5')).rejects.toThrow(UsageError);
    await expect(run('cache', 'purge', '--bot', 'a*')).rejects.toThrow(/--bot must be a bot id/);
    await expect(run('webhook', 'set', '--max-connections', '101')).rejects.toThrow(/from 1 to 100/);
    await expect(run('queues', '--no-such-flag')).rejects.toThrow(UsageError);
  });
});
