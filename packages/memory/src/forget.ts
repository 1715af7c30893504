import { type ConversationRef, memoryKeys } from './keys';
import type { RedisClient } from './options';

/**
 * Erases everything the memory keeps about a conversation: pending turns, summary, memories and
 * their vectors. The keys share one hash tag, so one DEL removes them at once on a Redis Cluster
 * too. A fold running meanwhile writes nothing afterwards (its commit checks the conversation's
 * epoch, which this deletes). The history list and the other chat keys are the worker's to
 * delete. Returns the number of keys deleted.
 */
export async function forgetConversation(
  redis: RedisClient,
  keyPrefix: string,
  conv: ConversationRef,
): Promise<number> {
  const keys = memoryKeys(keyPrefix, conv);
  // The lock goes too: a fold that still holds it finds its commit refused anyway.
  return redis.del(keys.pending, keys.state, keys.entries, keys.vectors, keys.order, keys.lock);
}

/**
 * Erases a user's memory with one bot: the bot only keeps memory of private chats, whose chat
 * id is the user's id (group chats are not answered yet; when they are, a group's memory
 * belongs to the group and is erased with it).
 */
export async function forgetUser(
  redis: RedisClient,
  keyPrefix: string,
  botId: string,
  userId: number,
): Promise<number> {
  return forgetConversation(redis, keyPrefix, { botId, chatId: userId });
}
