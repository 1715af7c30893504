import { type ChatLaneJob, type Keyspace, laneDeduplicationId, queues } from '@parley/contracts';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

const laneContract = queues.updates.jobs['chat-lane'];

/**
 * Makes sure a chat has a lane that will drain its inbox. BullMQ's deduplication with
 * keepLastIfActive gives the guarantee we need: if no lane exists one is added; if one waits,
 * nothing is added (it will see the new update); if one is running, exactly one follow-up run
 * is scheduled for when it finishes, so an update that arrives while the running lane is
 * finishing is never left behind.
 */
export async function armLane(queue: Queue, botId: string, chatId: number): Promise<void> {
  const payload: ChatLaneJob = { botId, chatId };
  await queue.add('chat-lane', payload, {
    ...laneContract.options,
    deduplication: { id: laneDeduplicationId(botId, chatId), keepLastIfActive: true },
  });
}

/** Index of chats with work, read by the sweeper to re-arm lanes that were lost. */
export async function markPending(
  redis: Redis,
  keys: Keyspace,
  botId: string,
  chatId: number,
  now = Date.now(),
) {
  await redis.zadd(keys.pendingLanes(), 'NX', now, `${botId}:${chatId}`);
}

export function parsePendingMember(member: string): { botId: string; chatId: number } | undefined {
  const at = member.lastIndexOf(':');
  const chatId = Number(member.slice(at + 1));
  if (at <= 0 || !Number.isInteger(chatId)) return undefined;
  return { botId: member.slice(0, at), chatId };
}
