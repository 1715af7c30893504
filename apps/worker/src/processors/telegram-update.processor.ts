import { updateJobSchema, updateKind } from '@parley/contracts';
import type { Composer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { ParleyContext } from '../bot/update-scope';
import type { WorkerDeps } from '../deps';
import { type JobProcessor, parsePayload } from './job-processor';
import { runUpdate } from './run-update';

/** An update that belongs to no chat (inline queries, polls…): no ordering to keep. */
export function createTelegramUpdateProcessor(
  deps: WorkerDeps,
  bot: Composer<ParleyContext>,
  botInfo: () => Promise<UserFromGetMe>,
): JobProcessor {
  return async (job) => {
    const payload = parsePayload(updateJobSchema, job.data, 'telegram-update');
    const scope = await runUpdate(deps, bot, await botInfo(), payload, {
      lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
    });
    deps.metrics.updates.inc({ kind: updateKind(payload.update), handling: scope.handling });
    return { handling: scope.handling };
  };
}
