import { createKeyspace, queues, type UpdateJob } from '@parley/contracts';
import { createDeadLetters, createInbox } from '@parley/lanes';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import { Queue } from 'bullmq';
import type { OpsContext } from './ops-context';
import { runOps, UsageError } from './run-ops';

const redis = createTestRedis();
const prefix = uniquePrefix('ops');
const keys = createKeyspace(prefix);
const queue = new Queue(queues.updates.name, { connection: redis, prefix });
let lines: string[] = [];
const ctx: OpsContext = {
  redis,
  keys,
  inbox: createInbox(redis, keys),
  deadLetters: createDeadLetters(redis, keys),
  updatesQueue: queue,
  out: (line) => lines.push(line),
  json: false,
};
const run = (...argv: string[]) => runOps(argv, async (json) => ({ ...ctx, json }));

afterAll(async () => {
  await queue.close();
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});
beforeEach(() => {
  lines = [];
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
    lines = [];
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
    lines = [];
    expect(await run('failed-jobs', 'retry', '--id', 'failed-1')).toBe(0);
    expect(await queue.getJobState('failed-1')).toBe('waiting');
  });

  it('explains its usage', async () => {
    await expect(run()).rejects.toThrow(UsageError);
    await expect(run('nope')).rejects.toThrow(/unknown command "nope"/);
    await expect(run('dead-letters', 'replay')).rejects.toThrow(/--id ID .* or --all/);
  });
});
