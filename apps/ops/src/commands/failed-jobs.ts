import type { Job } from 'bullmq';
import type { OpsContext } from '../ops-context';
import { updateQueuesOf } from './queues';

/** Failed jobs of every shard of the updates queue, newest first, at most `limit`. */
async function failedJobs(ctx: OpsContext, limit: number): Promise<Job[]> {
  const perShard = await Promise.all(updateQueuesOf(ctx).map((s) => s.queue.getFailed(0, limit - 1)));
  return perShard
    .flat()
    .sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0))
    .slice(0, limit);
}

export async function listFailedJobs(ctx: OpsContext, limit: number): Promise<number> {
  const jobs = await failedJobs(ctx, limit);
  if (ctx.json) {
    ctx.out(
      JSON.stringify(
        jobs.map((j) => ({
          id: j.id,
          name: j.name,
          attemptsMade: j.attemptsMade,
          failedReason: j.failedReason,
          finishedOn: j.finishedOn,
        })),
      ),
    );
    return 0;
  }
  if (jobs.length === 0) ctx.out('no failed jobs');
  for (const j of jobs) {
    ctx.out(`${j.id}  ${j.name}  attempts=${j.attemptsMade}  ${j.failedReason}`);
  }
  return 0;
}

/** Moves failed jobs back to waiting (BullMQ's retry), one by id or all of them, in every shard. */
export async function retryFailedJobs(ctx: OpsContext, ids: string[] | 'all'): Promise<number> {
  const queues = updateQueuesOf(ctx).map((s) => s.queue);
  const find = async (id: string) => {
    for (const queue of queues) {
      const job = await queue.getJob(id);
      if (job) return job;
    }
    return undefined;
  };
  const jobs = ids === 'all' ? await failedJobs(ctx, 10_000) : await Promise.all(ids.map(find));
  let retried = 0;
  let missing = 0;
  for (const [i, job] of jobs.entries()) {
    if (!job) {
      ctx.out(`not found: ${ids === 'all' ? '?' : ids[i]}`);
      missing++;
      continue;
    }
    await job.retry('failed');
    retried++;
  }
  ctx.out(`retried ${retried}`);
  return missing ? 1 : 0;
}
