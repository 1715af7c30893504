import { laneDeduplicationId, updateJobId, updateJobSchema } from './queues';
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
