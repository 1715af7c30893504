import { type Keyspace, queues, type UpdateJob, updateChatId, updateJobId } from '@parley/contracts';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Inbox } from './inbox';
import { armLane, markPending } from './lane-scheduler';

export interface AcceptDeps {
  redis: Redis;
  keys: Keyspace;
  inbox: Inbox;
  updatesQueue: Queue;
}

/**
 * Stores an accepted update durably, idempotently (a re-delivery changes nothing):
 * an update that belongs to a chat goes to that chat's inbox and the chat's lane is armed;
 * an update without a chat becomes a job of its own, keyed by its update id.
 */
export async function acceptUpdate(deps: AcceptDeps, payload: UpdateJob): Promise<'lane' | 'job'> {
  const chatId = updateChatId(payload.update);
  if (chatId === undefined) {
    const contract = queues.updates.jobs['telegram-update'];
    await deps.updatesQueue.add('telegram-update', payload, {
      ...contract.options,
      jobId: updateJobId(payload),
    });
    return 'job';
  }
  // The inbox write must be acknowledged before the lane is armed, or a fast lane could find
  // the inbox empty and finish while the update is still on its way.
  await deps.inbox.add(payload, chatId);
  await Promise.all([
    markPending(deps.redis, deps.keys, payload.botId, chatId, payload.receivedAt),
    armLane(deps.updatesQueue, payload.botId, chatId),
  ]);
  return 'lane';
}
