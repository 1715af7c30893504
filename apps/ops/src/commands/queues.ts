import type { OpsContext } from '../ops-context';

const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;

/** Queue depth by state, the oldest waiting job's age, chats with pending messages, dead letters. */
export async function showQueues(ctx: OpsContext): Promise<number> {
  const counts = await ctx.updatesQueue.getJobCounts(...STATES);
  const [oldest] = await ctx.updatesQueue.getJobs(['wait', 'prioritized'], 0, 0, true);
  const pendingChats = await ctx.redis.zcard(ctx.keys.pendingLanes());
  const deadLetters = await ctx.deadLetters.size();
  const oldestAgeSeconds = oldest ? Math.round((Date.now() - oldest.timestamp) / 1000) : 0;
  if (ctx.json) {
    ctx.out(
      JSON.stringify({ queue: ctx.updatesQueue.name, counts, oldestAgeSeconds, pendingChats, deadLetters }),
    );
    return 0;
  }
  ctx.out(`queue ${ctx.updatesQueue.name}`);
  for (const state of STATES) ctx.out(`  ${state.padEnd(12)} ${counts[state] ?? 0}`);
  ctx.out(`  oldest waiting ${oldestAgeSeconds} s`);
  ctx.out(`chats with pending messages  ${pendingChats}`);
  ctx.out(`dead letters                 ${deadLetters}`);
  return 0;
}
