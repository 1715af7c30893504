import { type UpdateJob, updateJobSchema, updateKind } from '@parley/contracts';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Composer } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { RetryLaterError } from './bot/errors';
import { type Handling, ParleyContext, type UpdateScope } from './bot/update-scope';
import type { WorkerDeps } from './deps';

/** The updates queue's processor: validate the payload, run the bot on it, count what happened. */
export function createUpdateProcessor(
  deps: WorkerDeps,
  bot: Composer<ParleyContext>,
  botInfo: () => Promise<UserFromGetMe>,
): (job: Job<UpdateJob>, token?: string) => Promise<{ handling: Handling }> {
  const middleware = bot.middleware();
  return async (job, token) => {
    const parsed = updateJobSchema.safeParse(job.data);
    if (!parsed.success) {
      // A payload this version cannot read will not become readable by retrying.
      throw new UnrecoverableError(
        `invalid updates payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`,
      );
    }
    const scope: UpdateScope = {
      deps,
      job: parsed.data,
      lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
      handling: 'ignored',
    };
    const ctx = new ParleyContext(parsed.data.update as unknown as Update, deps.api, await botInfo(), scope);
    try {
      await middleware(ctx, async () => {});
    } catch (err) {
      if (err instanceof RetryLaterError && token) {
        deps.logger.info({ delayMs: err.delayMs, jobId: job.id }, 'Telegram asked to wait; job delayed');
        await job.moveToDelayed(Date.now() + err.delayMs, token);
        throw new DelayedError();
      }
      throw err;
    }
    deps.metrics.updates.inc({ kind: updateKind(parsed.data.update), handling: scope.handling });
    return { handling: scope.handling };
  };
}
