import { chatLaneJobSchema } from '@parley/contracts';
import { armLane, unmarkPending } from '@parley/lanes';
import type { Composer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { ParleyContext } from '../bot/update-scope';
import type { WorkerDeps } from '../deps';
import { handleBatch } from '../lane/handle-batch';
import { nextBatch } from '../lane/next-batch';
import { type JobProcessor, parsePayload } from './job-processor';

/**
 * Drains one chat's inbox in order. Only one lane per chat runs at a time (see armLane), so the
 * chat's messages are answered one after another, each seeing the previous turns. After
 * `maxBatchesPerRun` batches the lane yields: it re-arms itself behind the other chats' lanes,
 * so a very chatty user cannot starve everyone else.
 *
 * `deps` is the deps of the lane's queue shard: `updatesQueue` and `keys.pendingLanes()` are
 * that shard's.
 */
export function createChatLaneProcessor(
  deps: WorkerDeps,
  bot: Composer<ParleyContext>,
  botInfo: () => Promise<UserFromGetMe>,
): JobProcessor {
  return async (job) => {
    const { botId, chatId } = parsePayload(chatLaneJobSchema, job.data, 'chat-lane');
    // Before the first inbox read: an update the gateway stores after this finds no marker and
    // arms a follow-up run (deduplication keeps it behind this one); an update stored before it
    // is seen by the reads below. So no update is left behind, however the two interleave.
    await deps.inbox.clearArmed(botId, chatId);
    const me = await botInfo();
    for (let done = 0; done < deps.config.lanes.maxBatchesPerRun; done++) {
      const batch = await nextBatch(deps, botId, chatId);
      if (!batch) {
        await unmarkPending(deps.redis, deps.keys.pendingLanes(), deps.inbox, botId, chatId);
        return { batches: done };
      }
      await handleBatch(deps, bot, me, botId, chatId, batch);
    }
    if ((await deps.inbox.size(botId, chatId)) > 0) await armLane(deps.updatesQueue, botId, chatId);
    return { batches: deps.config.lanes.maxBatchesPerRun, yielded: true };
  };
}
