import type { Queue } from 'bullmq';
import type { OpsContext } from '../ops-context';

const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;

/** The shards of the updates queue, or the one queue when it is not sharded. */
export const updateQueuesOf = (
  ctx: OpsContext,
): Array<{ label: string; queue: Queue; pendingLanes: string }> =>
  ctx.shards?.all.map((s) => ({ label: s.label, queue: s.queue, pendingLanes: s.pendingLanes })) ?? [
    { label: ctx.updatesQueue.name, queue: ctx.updatesQueue, pendingLanes: ctx.keys.pendingLanes() },
  ];

async function shardState(ctx: OpsContext, shard: ReturnType<typeof updateQueuesOf>[number]) {
  const counts = await shard.queue.getJobCounts(...STATES);
  const [oldest] = await shard.queue.getJobs(['wait', 'prioritized'], 0, 0, true);
  const pendingChats = await ctx.redis.zcard(shard.pendingLanes);
  const oldestAgeSeconds = oldest ? Math.round((Date.now() - oldest.timestamp) / 1000) : 0;
  return { queue: shard.label, counts, oldestAgeSeconds, pendingChats };
}

/**
 * Queue depth by state, the oldest waiting job's age, chats with pending messages, dead letters;
 * with several shards, the totals first and then each shard.
 */
export async function showQueues(ctx: OpsContext): Promise<number> {
  const shards = await Promise.all(updateQueuesOf(ctx).map((s) => shardState(ctx, s)));
  const deadLetters = await ctx.deadLetters.size();
  const counts = Object.fromEntries(
    STATES.map((state) => [state, shards.reduce((sum, s) => sum + (s.counts[state] ?? 0), 0)]),
  ) as Record<(typeof STATES)[number], number>;
  const total = {
    queue: shards.length === 1 ? (shards[0]?.queue ?? 'updates') : 'updates',
    counts,
    oldestAgeSeconds: Math.max(0, ...shards.map((s) => s.oldestAgeSeconds)),
    pendingChats: shards.reduce((sum, s) => sum + s.pendingChats, 0),
    deadLetters,
  };
  if (ctx.json) {
    ctx.out(JSON.stringify(shards.length > 1 ? { ...total, shards } : total));
    return 0;
  }
  const print = (
    s: { queue: string; counts: Record<string, number>; oldestAgeSeconds: number },
    indent: string,
  ) => {
    for (const state of STATES) ctx.out(`${indent}  ${state.padEnd(12)} ${s.counts[state] ?? 0}`);
    ctx.out(`${indent}  oldest waiting ${s.oldestAgeSeconds} s`);
  };
  ctx.out(`queue ${total.queue}${shards.length > 1 ? ` (${shards.length} shards)` : ''}`);
  print(total, '');
  ctx.out(`chats with pending messages  ${total.pendingChats}`);
  ctx.out(`dead letters                 ${deadLetters}`);
  if (shards.length > 1) {
    for (const shard of shards) {
      ctx.out(`shard ${shard.queue}  (chats with pending messages ${shard.pendingChats})`);
      print(shard, '  ');
    }
  }
  return 0;
}
