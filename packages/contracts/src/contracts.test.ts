import { createKeyspace } from './keys';
import { laneDeduplicationId, updateJobId, updateJobSchema } from './queues';
import { chatShardIndex, noticesQueuePrefix, updateShardIndex, updateShardLayout } from './shards';
import { telegramUpdateSchema, updateChatId, updateKind } from './telegram-update';

const textUpdate = {
  update_id: 10,
  message: { message_id: 1, date: 1, chat: { id: 42, type: 'private' }, text: 'hi', extra_field: true },
};

describe('telegram update schema', () => {
  it('keeps fields it does not know', () => {
    const parsed = telegramUpdateSchema.parse(textUpdate);
    expect((parsed.message as Record<string, unknown>).extra_field).toBe(true);
  });

  it.each([
    [{}, /update_id/],
    [{ update_id: 'x' }, /update_id must be an integer/],
    [{ update_id: 1.5 }, /update_id must be an integer/],
    [{ update_id: -1 }, /update_id must not be negative/],
  ])('rejects %j', (body, message) => {
    const result = telegramUpdateSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(message);
  });

  it('finds the kind and the chat of an update', () => {
    const update = telegramUpdateSchema.parse(textUpdate);
    expect(updateKind(update)).toBe('message');
    expect(updateChatId(update)).toBe(42);
    const callback = telegramUpdateSchema.parse({
      update_id: 2,
      callback_query: { id: 'q', message: { chat: { id: 7 } } },
    });
    expect(updateKind(callback)).toBe('callback_query');
    expect(updateChatId(callback)).toBe(7);
    expect(updateKind(telegramUpdateSchema.parse({ update_id: 3, new_kind: {} }))).toBe('unknown');
  });
});

describe('updates queue contract', () => {
  it('derives a job id BullMQ accepts: no colon, not all digits, same for a re-delivery', () => {
    const payload = updateJobSchema.parse({ botId: 'default', update: textUpdate, receivedAt: 1 });
    const id = updateJobId(payload);
    expect(id).toBe('default-u10');
    expect(id).not.toMatch(/:/);
    expect(id).not.toMatch(/^\d+$/);
    expect(updateJobId({ ...payload, receivedAt: 2 })).toBe(id);
    expect(laneDeduplicationId('default', -100123)).toBe('lane-default--100123');
  });

  it('rejects a bot id that could break keys', () => {
    expect(updateJobSchema.safeParse({ botId: 'a:b', update: textUpdate, receivedAt: 1 }).success).toBe(
      false,
    );
  });
});

describe('updates queue shards', () => {
  it('keeps the unsharded layout exactly as before with one shard', () => {
    expect(updateShardLayout('parley', 1)).toEqual([
      { index: 0, queuePrefix: 'parley', pendingLanes: 'parley:lanes:pending', label: 'updates' },
    ]);
    expect(createKeyspace('parley').pendingLanes()).toBe('parley:lanes:pending');
  });

  it('gives every shard its own hash tag, shared by its queue and its pending index', () => {
    const layout = updateShardLayout('parley', 3);
    expect(layout.map((s) => s.queuePrefix)).toEqual([
      'parley:{parley:q0}',
      'parley:{parley:q1}',
      'parley:{parley:q2}',
    ]);
    for (const shard of layout) {
      const tag = /\{([^}]+)\}/.exec(shard.queuePrefix)?.[1];
      expect(/\{([^}]+)\}/.exec(shard.pendingLanes)?.[1]).toBe(tag);
      expect(/\{([^}]+)\}/.exec(`${shard.queuePrefix}:updates:wait`)?.[1]).toBe(tag);
    }
    // A cluster needs the tag even with one shard.
    expect(updateShardLayout('parley', 1, { hashTags: true })[0]?.queuePrefix).toBe('parley:{parley:q0}');
    expect(noticesQueuePrefix('parley', { hashTags: true })).toBe('parley:{parley:notices}');
    expect(noticesQueuePrefix('parley')).toBe('parley');
  });

  it('routes a chat to one stable shard and spreads chats over all of them', () => {
    expect(chatShardIndex('default', 42, 1)).toBe(0);
    const first = chatShardIndex('default', 42, 8);
    expect(chatShardIndex('default', 42, 8)).toBe(first);
    // Pinned values: routing must not change between versions (gateways and workers roll out apart).
    expect([first, chatShardIndex('default', -100123, 8), chatShardIndex('default', 7, 3)]).toEqual([
      6, 2, 1,
    ]);
    const counts = new Array(8).fill(0);
    for (let chat = 1; chat <= 8_000; chat++) counts[chatShardIndex('default', chat, 8)]++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
    expect(updateShardIndex('default', 77, 4)).toBe(updateShardIndex('default', 77, 4));
  });
});
