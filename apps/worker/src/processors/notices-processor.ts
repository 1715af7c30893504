import { busyNoticeJobSchema, type NoticesJobName, queues } from '@parley/contracts';
import { instrumentProcessor } from '@parley/metrics';
import { UnrecoverableError } from 'bullmq';
import { toJobError } from '../bot/deliver-reply';
import { texts } from '../bot/texts';
import type { WorkerDeps } from '../deps';
import { type JobProcessor, parsePayload } from './job-processor';

/** The notices queue: short messages that must not wait behind the backlog they announce. */
export function createNoticesProcessor(deps: WorkerDeps): JobProcessor {
  const handlers: Record<NoticesJobName, JobProcessor> = {
    'busy-notice': async (job) => {
      const { botId, chatId, updateId } = parsePayload(busyNoticeJobSchema, job.data, 'busy-notice');
      // The reply ledger of the update doubles as the record that the notice went out.
      const key = deps.keys.replyLedger(botId, chatId, updateId);
      if (await deps.redis.hexists(key, 'notice')) return { sent: false };
      try {
        await deps.api.sendMessage(chatId, texts.busy);
      } catch (err) {
        throw toJobError(err);
      }
      await deps.redis
        .multi()
        .hset(key, 'notice', '1')
        .expire(key, 25 * 3_600)
        .exec();
      return { sent: true };
    },
  };
  return instrumentProcessor(queues.notices.name, deps.metrics, async (job, token) => {
    const handler = handlers[job.name as NoticesJobName];
    if (!handler) throw new UnrecoverableError(`no handler for job "${job.name}"`);
    return handler(job, token);
  });
}
