import { type BusyNoticeJob, queues, type UpdateJob, updateChatId } from '@parley/contracts';
import type { Queue } from 'bullmq';
import type { GatewayDeps } from './deps';

/** How long a chat that was told "busy" is not told again. */
const NOTICE_QUIET_SECONDS = 600;

/**
 * Overload notice: when the oldest waiting update is older than `busyNoticeAfterMs`, a chat
 * whose message was just accepted is told once that it is queued, instead of waiting in
 * silence. The backlog age is sampled every second (one cheap Redis read per shard and gateway),
 * not per request. The notice goes through its own small queue so it does not wait behind the backlog.
 */
export function createBusyNotifier(deps: GatewayDeps, noticesQueue: Queue) {
  let backlogAgeMs = 0;
  const sample = async () => {
    try {
      // The oldest waiting job of any shard: the backlog as the unluckiest chat feels it.
      const heads = await Promise.all(
        deps.shards.all.map((s) => s.queue.getJobs(['wait', 'prioritized'], 0, 0, true)),
      );
      const oldest = Math.min(...heads.map(([job]) => job?.timestamp ?? Number.POSITIVE_INFINITY));
      backlogAgeMs = Number.isFinite(oldest) ? Math.max(0, Date.now() - oldest) : 0;
    } catch {
      // Redis down: the webhook answers 503 anyway.
    }
  };
  const timer = deps.config.busyNoticeAfterMs > 0 ? setInterval(sample, 1_000) : undefined;
  timer?.unref();

  return {
    backlogAgeMs: () => backlogAgeMs,
    async afterAccept(payload: UpdateJob): Promise<void> {
      if (!timer || backlogAgeMs < deps.config.busyNoticeAfterMs) return;
      const chatId = updateChatId(payload.update);
      if (chatId === undefined || payload.update.message?.chat.type !== 'private') return;
      const first = await deps.redis.set(
        deps.keys.busyNotice(payload.botId, chatId),
        '1',
        'EX',
        NOTICE_QUIET_SECONDS,
        'NX',
      );
      if (first !== 'OK') return;
      const job: BusyNoticeJob = { botId: payload.botId, chatId, updateId: payload.update.update_id };
      await noticesQueue.add('busy-notice', job, {
        ...queues.notices.jobs['busy-notice'].options,
        jobId: `notice-${payload.botId}-${chatId}-${payload.update.update_id}`,
      });
    },
    stop: () => clearInterval(timer),
  };
}
