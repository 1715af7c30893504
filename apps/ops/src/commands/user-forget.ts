import { queues, type UpdateJob } from '@parley/contracts';
import type { OpsContext } from '../ops-context';
import { scanKeys, unlinkKeys } from '../redis-keys';
import { updateQueuesOf } from './queues';

/**
 * The pattern of every key of one chat. Each per-chat key carries the chat's hash tag
 * (`{bot:chat}`, see the keyspace), so the tag finds them all: history, inbox, reply ledgers,
 * record of sent messages, inactive and busy-notice marks.
 */
export function chatKeysMatch(ctx: Pick<OpsContext, 'keys'>, botId: string, chatId: number): string {
  const inbox = ctx.keys.inbox(botId, chatId);
  return `${inbox.slice(0, inbox.indexOf('}') + 1)}:*`;
}

/** True when an update (of any kind) was sent by, or is about, the user. */
export function updateConcernsUser(update: Record<string, unknown>, userId: number): boolean {
  for (const [field, value] of Object.entries(update)) {
    if (field === 'update_id' || typeof value !== 'object' || value === null) continue;
    const v = value as { from?: { id?: unknown }; user?: { id?: unknown }; chat?: { id?: unknown } };
    if (v.from?.id === userId || v.user?.id === userId || v.chat?.id === userId) return true;
  }
  return false;
}

const JOB_STATES = ['waiting', 'prioritized', 'delayed', 'failed', 'completed'] as const;

/**
 * Deletes what Parley keeps about one user of a bot: the private chat's keys (a private chat's id
 * is the user's id), its place in the sweepers' indexes (every shard), dead letters of or from the user, and kept
 * jobs of chatless updates the user sent (inline queries…). Answer caches are shared by all users
 * and hold no user id; `cache purge` empties them when that is required too.
 */
export async function forgetUser(
  ctx: OpsContext,
  opts: { botId: string; userId: number; dryRun: boolean },
): Promise<number> {
  const { botId, userId, dryRun } = opts;
  const keys = await scanKeys(ctx.redis, chatKeysMatch(ctx, botId, userId));
  const pendingMember = `${botId}:${userId}`;
  const shards = updateQueuesOf(ctx);
  let pending = false;
  for (const shard of shards)
    pending ||= (await ctx.redis.zscore(shard.pendingLanes, pendingMember)) !== null;

  const letters = (await ctx.deadLetters.list(10_000)).filter((l) => {
    if (l.botId !== botId) return false;
    if (l.chatId === userId) return true;
    try {
      const job = JSON.parse(l.payload) as Partial<UpdateJob>;
      return job.update !== undefined && updateConcernsUser(job.update, userId);
    } catch {
      return false;
    }
  });

  const jobs = [];
  for (const { queue } of shards)
    for (const state of JOB_STATES) {
      for (let start = 0; ; start += 1_000) {
        const page = await queue.getJobs([state], start, start + 999, true);
        for (const job of page) {
          const data = job?.data as Partial<UpdateJob> | undefined;
          if (
            job?.name === 'telegram-update' &&
            data?.botId === botId &&
            data.update &&
            updateConcernsUser(data.update, userId)
          )
            jobs.push(job);
        }
        if (page.length < 1_000) break;
      }
    }

  if (!dryRun) {
    await unlinkKeys(ctx.redis, keys);
    for (const shard of shards) await ctx.redis.zrem(shard.pendingLanes, pendingMember);
    for (const l of letters) await ctx.deadLetters.remove(l.id);
    for (const job of jobs) await job.remove();
  }
  const summary = {
    botId,
    userId,
    dryRun,
    keys: keys.length,
    pendingLane: pending,
    deadLetters: letters.length,
    jobs: jobs.length,
    queue: queues.updates.name,
  };
  if (ctx.json) {
    ctx.out(JSON.stringify(summary));
    return 0;
  }
  ctx.out(
    `${dryRun ? 'would forget' : 'forgot'} user ${userId} of bot ${botId}: ${keys.length} keys of the private chat, ` +
      `${letters.length} dead letters, ${jobs.length} kept jobs${pending ? ', its pending lane' : ''}`,
  );
  ctx.out('answer caches are shared and hold no user id: `parley-ops cache purge` empties them if required');
  return 0;
}
