import { queues, type UpdatesJobName } from '@parley/contracts';
import { instrumentProcessor } from '@parley/metrics';
import { DelayedError, UnrecoverableError } from 'bullmq';
import type { Composer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { RetryLaterError } from '../bot/errors';
import type { ParleyContext } from '../bot/update-scope';
import type { WorkerDeps } from '../deps';
import { createChatLaneProcessor } from './chat-lane.processor';
import type { JobProcessor } from './job-processor';
import { createSweepLanesProcessor } from './sweep-lanes.processor';
import { createTelegramUpdateProcessor } from './telegram-update.processor';

/**
 * The updates queue's processor. The map is typed over the catalog's job names, so a job kind
 * without a handler does not compile.
 */
export function createUpdatesProcessor(
  deps: WorkerDeps,
  bot: Composer<ParleyContext>,
  botInfo: () => Promise<UserFromGetMe>,
): JobProcessor {
  const handlers: Record<UpdatesJobName, JobProcessor> = {
    'chat-lane': createChatLaneProcessor(deps, bot, botInfo),
    'telegram-update': createTelegramUpdateProcessor(deps, bot, botInfo),
    'sweep-lanes': createSweepLanesProcessor(deps),
  };
  return instrumentProcessor(queues.updates.name, deps.metrics, async (job, token) => {
    const handler = handlers[job.name as UpdatesJobName];
    if (!handler) throw new UnrecoverableError(`no handler for job "${job.name}"`);
    try {
      return await handler(job, token);
    } catch (err) {
      // Telegram or the LLM asked us to wait: park the job until then without spending an attempt.
      if (err instanceof RetryLaterError && token) {
        deps.logger.info(
          { delayMs: err.delayMs, jobId: job.id, job: job.name },
          'asked to wait; job delayed',
        );
        await job.moveToDelayed(Date.now() + err.delayMs, token);
        throw new DelayedError();
      }
      throw err;
    }
  });
}
