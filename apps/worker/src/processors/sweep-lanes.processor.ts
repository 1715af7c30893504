import { sweepLanesJobSchema } from '@parley/contracts';
import { armLane, parsePendingMember, unmarkPending } from '@parley/lanes';
import type { WorkerDeps } from '../deps';
import { type JobProcessor, parsePayload } from './job-processor';

/**
 * Safety net, run every `sweepIntervalMs` by one worker per queue shard: a chat of the shard
 * whose inbox has waited longer than `staleAfterMs` gets its lane re-armed (a no-op when its lane
 * exists). This recovers from anything that could leave an inbox without a lane, such as a lane
 * that failed for good. `deps` is the shard's (its `updatesQueue` and `keys.pendingLanes()`).
 */
export function createSweepLanesProcessor(deps: WorkerDeps): JobProcessor {
  return async (job) => {
    parsePayload(sweepLanesJobSchema, job.data, 'sweep-lanes');
    const now = Date.now();
    const key = deps.keys.pendingLanes();
    const stale = await deps.redis.zrangebyscore(
      key,
      '-inf',
      now - deps.config.lanes.staleAfterMs,
      'LIMIT',
      0,
      1_000,
    );
    let rearmed = 0;
    for (const member of stale) {
      const lane = parsePendingMember(member);
      if (!lane) {
        await deps.redis.zrem(key, member);
        continue;
      }
      if ((await deps.inbox.size(lane.botId, lane.chatId)) === 0) {
        // Leaves the index the way a finishing lane does: an update stored meanwhile keeps it in.
        await unmarkPending(deps.redis, key, deps.inbox, lane.botId, lane.chatId);
        continue;
      }
      await armLane(deps.updatesQueue, lane.botId, lane.chatId);
      await deps.redis.zadd(key, 'XX', now, member);
      rearmed++;
    }
    if (rearmed) deps.logger.warn({ rearmed }, 'sweeper re-armed lanes of waiting chats');
    return { checked: stale.length, rearmed };
  };
}
