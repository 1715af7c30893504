import { chatIdOf, tokenOf } from './plan';
import { type BotMessage, passed, type SentToken, summarizeLatency, verify } from './verify';

const sent = (chatIndex: number, seq: number): SentToken => ({
  chatIndex,
  chatId: chatIdOf(chatIndex),
  seq,
  token: tokenOf(chatIndex, seq),
});
let nextId = 1;
const reply = (chatIndex: number, text: string): BotMessage => ({
  chatId: chatIdOf(chatIndex),
  messageId: nextId++,
  text: `Parley: You said: "${text}". (turn 1)`,
});

describe('verify', () => {
  const all = [sent(0, 1), sent(0, 2), sent(0, 3), sent(1, 1)];

  it('passes when every token is answered once, in order (coalesced answers included)', () => {
    const v = verify({
      sent: all,
      uncertain: [],
      botMessages: [reply(0, 'c0m1 go on'), reply(0, 'c0m2 why so? c0m3 ok'), reply(1, 'c1m1 hm')],
    });
    expect(v).toMatchObject({ sent: 4, replies: 3, answered: 4, lost: 0, duplicated: 0, outOfOrder: 0 });
    expect(passed(v)).toBe(true);
  });

  it('counts lost, duplicated, out-of-order, apologies and foreign tokens', () => {
    const v = verify({
      sent: all,
      uncertain: [],
      botMessages: [
        reply(0, 'c0m2 x'),
        reply(0, 'c0m1 y'),
        reply(0, 'c0m1 again'),
        { chatId: chatIdOf(1), messageId: nextId++, text: "Sorry, I can't answer right now: ..." },
        reply(1, 'c0m3 leaked'),
      ],
    });
    expect(v).toMatchObject({ lost: 2, duplicated: 1, outOfOrder: 1, apologies: 1, foreign: 1 });
    expect(v.examples.outOfOrder).toEqual([{ chatId: chatIdOf(0), seqs: [2, 1] }]);
    expect(passed(v)).toBe(false);
  });

  it('orders by message id, not by list order', () => {
    const later = reply(0, 'c0m2');
    const earlier = { ...reply(0, 'c0m1'), messageId: later.messageId - 100 };
    const v = verify({ sent: all.slice(0, 2), uncertain: [], botMessages: [later, earlier] });
    expect(v.outOfOrder).toBe(0);
  });

  it('summarizes latency with nearest-rank percentiles', () => {
    const s = summarizeLatency(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(s).toEqual({ samples: 100, p50Ms: 50, p95Ms: 95, p99Ms: 99, maxMs: 100 });
    expect(summarizeLatency([])).toBeUndefined();
  });
});
