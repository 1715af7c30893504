import { type ChatLaneJob, laneDeduplicationId, queues } from '@parley/contracts';
import type { Queue } from 'bullmq';
import type { Inbox } from './inbox';
import type { RedisClient } from './redis-script';

const laneContract = queues.updates.jobs['chat-lane'];

/**
 * Makes sure a chat has a lane that will drain its inbox. BullMQ's deduplication with
 * keepLastIfActive gives the guarantee we need: if no lane exists one is added; if one waits,
 * nothing is added (it will see the new update); if one is running, exactly one follow-up run
 * is scheduled for when it finishes, so an update that arrives while the running lane is
 * finishing is never left behind. The gateway calls this only when it set the chat's lane-armed
 * marker (see `acceptUpdate`); the deduplication stays as the safety net.
 */
export async function armLane(queue: Queue, botId: string, chatId: number): Promise<void> {
  const payload: ChatLaneJob = { botId, chatId };
  await queue.add('chat-lane', payload, {
    ...laneContract.options,
    deduplication: { id: laneDeduplicationId(botId, chatId), keepLastIfActive: true },
  });
}

const member = (botId: string, chatId: number) => `${botId}:${chatId}`;

/**
 * Index of chats with work (`pendingLanes` is the key of the chat's shard), read by the sweeper
 * to re-arm lanes that were lost. NX: the score stays the time the chat first waited.
 */
export async function markPending(
  redis: RedisClient,
  pendingLanes: string,
  botId: string,
  chatId: number,
  now = Date.now(),
): Promise<void> {
  await redis.zadd(pendingLanes, 'NX', now, member(botId, chatId));
}

/**
 * Called by a lane that found its chat's inbox empty: leaves the sweeper's index, then looks at
 * the chat again and re-enters when an update slipped into the inbox meanwhile, or when a
 * follow-up run was armed since this run started (the marker is set again: the follow-up owns
 * the index entry). The gateway writes the index only after its inbox-and-marker script, so
 * either its index write comes after this removal, or the second look sees what that script
 * wrote: the index never loses a chat that waits or whose follow-up lane is scheduled.
 * Resolves true when the chat had to be re-entered.
 */
export async function unmarkPending(
  redis: RedisClient,
  pendingLanes: string,
  inbox: Inbox,
  botId: string,
  chatId: number,
): Promise<boolean> {
  await redis.zrem(pendingLanes, member(botId, chatId));
  if (!(await inbox.hasWork(botId, chatId))) return false;
  await markPending(redis, pendingLanes, botId, chatId);
  return true;
}

export function parsePendingMember(member: string): { botId: string; chatId: number } | undefined {
  const at = member.lastIndexOf(':');
  const chatId = Number(member.slice(at + 1));
  if (at <= 0 || !Number.isInteger(chatId)) return undefined;
  return { botId: member.slice(0, at), chatId };
}
