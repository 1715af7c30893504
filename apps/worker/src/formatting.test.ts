import { sleep, waitFor } from '@parley/testing';
import type { Emulator } from '@parley/tg-emulator';
import { startWorkerHarness, type WorkerHarness } from './testing/worker-harness';

const TOKEN = '1000000003:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

describe('replies formatted as Telegram entities', () => {
  let h: WorkerHarness;
  let emulator: Emulator;
  let nextChatId = 7000;

  beforeAll(async () => {
    h = await startWorkerHarness({
      token: TOKEN,
      name: 'worker-format',
      sim: { ttftMs: 0, tokensPerSecond: 0 },
      env: { LLM_MAX_TOKENS: '4000', SHUTDOWN_GRACE_MS: '2000' },
    });
    ({ emulator } = h);
  });

  afterAll(() => h.close());

  afterEach(() => emulator.clearFaults());

  const userSays = (text: string, chatId: number) => h.userSays(text, chatId, chatId);

  const replies = (chatId: number) => emulator.botMessages(chatId);

  it('sends LLM Markdown as text with entities, markers removed', async () => {
    const chat = nextChatId++;
    await userSays('show me formatting [[sim:markdown]]', chat);
    await waitFor(() => replies(chat).length === 1, { what: 'the formatted reply' });
    const [reply] = replies(chat);
    const types = (reply?.entities ?? []).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['bold', 'italic', 'code', 'pre', 'text_link']));
    expect(reply?.text).not.toMatch(/\*\*|```/);
  });

  it('resends a part as plain text when Telegram refuses its entities, replying exactly once', async () => {
    const chat = nextChatId++;
    emulator.failNext({ method: 'sendMessage', chatId: chat, errorCode: 400, times: 1 });
    await userSays('show me formatting again [[sim:markdown]]', chat);
    await waitFor(() => replies(chat).length === 1, { what: 'the plain reply' });
    await sleep(300);
    const sent = replies(chat);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.entities ?? []).toEqual([]);
    // The same text as the formatted one would have had: only the entities were dropped.
    expect(sent[0]?.text).not.toMatch(/\*\*|```/);
    expect(emulator.calls({ method: 'sendMessage', chatId: chat })).toHaveLength(2);
  });

  it('splits a long answer at 4096 with every part within the limit', async () => {
    const chat = nextChatId++;
    await userSays('tell me everything [[sim:tokens=2500]]', chat);
    await waitFor(() => replies(chat).length >= 2, { what: 'the split reply' });
    for (const m of replies(chat)) expect((m.text ?? '').length).toBeLessThanOrEqual(4096);
  });
});
