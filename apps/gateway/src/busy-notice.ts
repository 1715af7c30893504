import { type BusyNoticeJob, queues, type UpdateJob, updateChatId } from '@parley/contracts';
import type { Queue } from 'bullmq';
import type { GatewayDeps } from './deps';

/** How long a chat that was told "busy" is not told again. */
const NOTICE_QUIET_SECONDS = 600;

/**
 * Overload notice: when the oldest waiting update is older than `busyNoticeAfterMs`, a chat
 * whose message was just accepted is told once that it is queued, instead of waiting in
 * silence. The backlog age is sampled every second (one cheap Redis read per gateway), not per
 * request. The notice goes through its own small queue so it does not wait behind the backlog.
 */
export function createBusyNotifier(deps: GatewayDeps, noticesQueue: Queue) {
  let backlogAgeMs = 0;
  const sample = async () => {
    try {
      const [oldest] = await deps.updatesQueue.getJobs(['wait', 'prioritized'], 0, 0, true);
      backlogAgeMs = oldest ? Math.max(0, Date.now() - oldest.timestamp) : 0;
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
