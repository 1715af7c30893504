import type { OpsContext } from '../ops-context';

export async function listFailedJobs(ctx: OpsContext, limit: number): Promise<number> {
  const jobs = await ctx.updatesQueue.getFailed(0, limit - 1);
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

/** Moves failed jobs back to waiting (BullMQ's retry), one by id or all of them. */
export async function retryFailedJobs(ctx: OpsContext, ids: string[] | 'all'): Promise<number> {
  const jobs =
    ids === 'all'
      ? await ctx.updatesQueue.getFailed(0, 9_999)
      : await Promise.all(ids.map((id) => ctx.updatesQueue.getJob(id)));
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
