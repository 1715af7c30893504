import type { Message } from './bot-api/telegram-types';
import { chatKeyOf, UPDATE_TTL_MS, UpdateQueue } from './update-queue';

const message = (chatId: number): { message: Message } => ({
  message: { message_id: 1, date: 0, chat: { id: chatId, type: 'private' } },
});

describe('UpdateQueue', () => {
  afterEach(() => jest.restoreAllMocks());

  it('assigns increasing ids and keeps ids given explicitly', () => {
    const queue = new UpdateQueue();
    expect(queue.assignId(message(1)).update_id).toBe(1);
    expect(queue.assignId({ update_id: 50, ...message(1) }).update_id).toBe(50);
    expect(queue.assignId(message(1)).update_id).toBe(51);
  });

  it('drops the oldest idle update past its bound', () => {
    const queue = new UpdateQueue(2);
    for (let i = 0; i < 3; i++) queue.push(queue.assignId(message(i)));
    expect(queue.peek(10).map((u) => u.update_id)).toEqual([2, 3]);
    // Still kept for redelivery.
    expect(queue.get(1)).toBeDefined();
  });

  it('forgets idle updates after 24 hours', () => {
    const queue = new UpdateQueue();
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
    queue.push(queue.assignId(message(1)));
    clock.mockReturnValue(now + UPDATE_TTL_MS - 1);
    expect(queue.pending).toHaveLength(1);
    clock.mockReturnValue(now + UPDATE_TTL_MS + 1);
    expect(queue.pending).toHaveLength(0);
  });

  it('keys updates by chat, then by user', () => {
    expect(chatKeyOf({ update_id: 1, ...message(-100) })).toBe('chat:-100');
    expect(
      chatKeyOf({ update_id: 2, callback_query: { id: 'x', from: { id: 5 }, message: { chat: { id: 9 } } } }),
    ).toBe('chat:9');
    expect(chatKeyOf({ update_id: 3, inline_query: { id: 'q', from: { id: 5 } } })).toBe('user:5');
    expect(chatKeyOf({ update_id: 4, poll: { id: 'p' } })).toBe('update:4');
  });
});
