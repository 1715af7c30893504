import { createKeyspace } from '@parley/contracts';
import { createHistoryStore, type Turn } from '@parley/conversation';
import { embedText } from '@parley/llm-sim';
import {
  createCommandConnection,
  type LocalRedisCluster,
  type Redis,
  type RedisClient,
  startRedisCluster,
} from '@parley/redis';
import { uniquePrefix } from '@parley/testing';
import type { ConversationRef } from './keys';
import { createConversationMemory } from './memory';

/**
 * The memory's scripts and MULTIs on a real Redis Cluster: a script or a MULTI whose keys span
 * two slots fails there (CROSSSLOT), so this proves the keys of a conversation and its history
 * share one slot, for conversations spread over all the nodes.
 */
describe('conversation memory on a Redis Cluster', () => {
  let cluster: LocalRedisCluster;
  let redis: RedisClient;
  const prefix = uniquePrefix('memory-cluster');
  const keyspace = createKeyspace(prefix);

  beforeAll(async () => {
    cluster = await startRedisCluster();
    redis = createCommandConnection(cluster.target, { connectionName: 'memory-cluster-test' });
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  it('spills in the reply MULTI, folds, recalls and forgets across the nodes', async () => {
    const memory = createConversationMemory({
      redis,
      keyPrefix: prefix,
      embed: async (texts) => texts.map((t) => embedText(t, 64)),
      summarise: async (messages) => `summary of ${messages[1]?.content.length ?? 0} characters`,
      foldEvery: 2,
    });
    // The history store is typed for a single Redis; here it only queues its append into our MULTI.
    const history = createHistoryStore(redis as Redis, { maxMessages: 2, ttlSeconds: 600 });
    const conversations: ConversationRef[] = Array.from({ length: 6 }, (_, i) => ({
      botId: 'bot',
      chatId: 1000 + i,
    }));
    for (const conv of conversations) {
      const historyKey = keyspace.history(conv.botId, conv.chatId);
      for (const text of ['my locker code is 4711', 'what is the capital of Peru', 'tell me a joke']) {
        const turns: Turn[] = [
          { role: 'user', content: text },
          { role: 'assistant', content: `You said: ${text}` },
        ];
        const tx = redis.multi();
        memory.spillTo(tx, conv, { historyKey, maxMessages: 2, turns });
        history.appendTo(tx, historyKey, turns);
        const results = await tx.exec();
        expect(results?.map(([err]) => err?.message ?? null)).toEqual([null, null, null, null]);
        await memory.maintain(conv);
      }
      const context = await memory.recall(conv, 'what is my locker code?');
      expect(context.summary).toMatch(/^summary of \d+ characters$/);
      expect(context.memories[0]?.turns[0]?.content).toBe('my locker code is 4711');
      expect(await memory.forget(conv)).toBe(4);
    }
  });
});
