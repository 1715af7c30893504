import { Api, GrammyError } from 'grammy';
import { getJson, postJson, sleep, TOKEN } from './__tests__/helpers';
import { type Emulator, type FloodLimits, startEmulator } from './index';
import { DRAFT_TTL_MS } from './state';

/** Streaming as a bot does it: drafts growing in a private chat, a placeholder edited in a group. */
describe('streaming: drafts and edits', () => {
  let emu: Emulator;
  let api: Api;
  beforeEach(async () => {
    emu = await startEmulator({ tokens: [TOKEN] });
    api = new Api(TOKEN, { apiRoot: emu.url });
  });
  afterEach(() => emu.close());

  it('a draft grows in a private chat, then the final message replaces it', async () => {
    emu.sendUserMessage({ text: 'tell me a story' });
    await api.raw.sendMessageDraft({ chat_id: 100001, draft_id: 7, text: '' }); // "Thinking..."
    for (const text of ['Once', 'Once upon', 'Once upon a time']) {
      await api.raw.sendMessageDraft({ chat_id: 100001, draft_id: 7, text });
    }
    const chats = await getJson(`${emu.url}/_emulator/chats`);
    expect((chats.json.result as Array<{ draft?: unknown }>)[0]?.draft).toEqual({
      draftId: 7,
      text: 'Once upon a time',
    });

    await api.sendMessage(100001, 'Once upon a time, the end.');
    const drafts = emu.events({ chatId: 100001, type: 'draft' });
    expect(drafts.map((d) => (d.type === 'draft' ? d.text : ''))).toEqual([
      '',
      'Once',
      'Once upon',
      'Once upon a time',
    ]);
    const final = emu.events({ chatId: 100001, type: 'message' }).at(-1)!;
    expect(final.type === 'message' && final.message.text).toBe('Once upon a time, the end.');
    expect(final.seq).toBeGreaterThan(drafts.at(-1)!.seq);
    // The final message ends the draft: the chat shows it no more, and drafts are not messages.
    const after = await getJson(`${emu.url}/_emulator/chats`);
    expect((after.json.result as Array<{ draft?: unknown }>)[0]?.draft).toBeUndefined();
    expect(emu.botMessages(100001).map((m) => m.text)).toEqual(['Once upon a time, the end.']);
  });

  it('drafts are for private chats only, need a non-zero draft_id, and are ephemeral (30 s)', async () => {
    const group = emu.sendUserMessage({ text: 'hi', chatType: 'supergroup', chatTitle: 'Team' }).message!.chat
      .id;
    const toGroup = api.raw.sendMessageDraft({ chat_id: group, draft_id: 1, text: 'x' });
    await expect(toGroup).rejects.toMatchObject({
      error_code: 400,
      description: 'Bad Request: message drafts can be sent only to private chats',
    });
    emu.sendUserMessage({ text: 'hi' });
    await expect(api.raw.sendMessageDraft({ chat_id: 100001, draft_id: 0, text: 'x' })).rejects.toMatchObject(
      {
        error_code: 400,
      },
    );
    expect(DRAFT_TTL_MS).toBe(30_000);
  });

  it('edits of a placeholder in a group are events with the text as it grew', async () => {
    const group = emu.sendUserMessage({ text: '@bot explain', chatType: 'group', chatTitle: 'G' }).message!
      .chat.id;
    const placeholder = await api.sendMessage(group, '…');
    for (const text of ['Queues', 'Queues decouple', 'Queues decouple producers.']) {
      await api.editMessageText(group, placeholder.message_id, text);
    }
    const edits = emu.events({ chatId: group, type: 'edit' });
    expect(edits.map((e) => (e.type === 'edit' ? e.message.text : ''))).toEqual([
      'Queues',
      'Queues decouple',
      'Queues decouple producers.',
    ]);
    expect(emu.botMessages(group)).toEqual([
      expect.objectContaining({ text: 'Queues decouple producers.', editCount: 3 }),
    ]);
    // Over HTTP, for tests in another process, with `since` to read only what is new.
    const since = edits[0]!.seq;
    const log = await getJson(`${emu.url}/_emulator/event-log?chat_id=${group}&type=edit&since=${since}`);
    expect((log.json.result as unknown[]).length).toBe(2);
  });
});

describe('flood limits', () => {
  let emu: Emulator;
  let api: Api;
  afterEach(() => emu.close());

  async function start(floodLimits: boolean | Partial<FloodLimits> | undefined) {
    emu = await startEmulator({ tokens: [TOKEN], floodLimits });
    api = new Api(TOKEN, { apiRoot: emu.url });
  }

  it('are off by default', async () => {
    await start(undefined);
    emu.sendUserMessage({ text: 'hi' });
    const sent = await api.sendMessage(100001, 'x');
    for (let i = 0; i < 20; i++) await api.editMessageText(100001, sent.message_id, `edit ${i}`);
  });

  it('answer edits that come too fast in one chat with 429 and retry_after, like Telegram', async () => {
    await start(true);
    emu.sendUserMessage({ text: 'hi' });
    const sent = await api.sendMessage(100001, 'x'); // 1 of the burst of 5
    for (let i = 0; i < 4; i++) await api.editMessageText(100001, sent.message_id, `edit ${i}`);
    const error = await api.editMessageText(100001, sent.message_id, 'too fast').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect(error).toMatchObject({
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    // The refused edit changed nothing; after retry_after the next one goes through.
    expect(emu.botMessages(100001)[0]?.text).toBe('edit 3');
    await sleep(1_000);
    await api.editMessageText(100001, sent.message_id, 'paced');
    expect(emu.botMessages(100001)[0]?.text).toBe('paced');
    // Other chats are not held back by this one.
    emu.sendUserMessage({ text: 'hi', userId: 100002, firstName: 'Bob' });
    await api.sendMessage(100002, 'hello Bob');
  });

  it('limit a group to 20 messages a minute, and drafts only when asked to', async () => {
    await start({ perChatPerSecond: 1000, perChatBurst: 100, perGroupBurst: 1 });
    const group = emu.sendUserMessage({ text: 'hi', chatType: 'group', chatTitle: 'G' }).message!.chat.id;
    await api.sendMessage(group, 'one');
    const error = (await api.sendMessage(group, 'two').catch((e: unknown) => e)) as GrammyError;
    expect(error.error_code).toBe(429);
    expect(error.parameters.retry_after).toBe(3); // 60 s / 20 messages
    emu.sendUserMessage({ text: 'hi' });
    for (let i = 0; i < 30; i++)
      await api.raw.sendMessageDraft({ chat_id: 100001, draft_id: 1, text: `d${i}` });
    emu.setFloodLimits({ draftsPerSecond: 2 });
    await api.raw.sendMessageDraft({ chat_id: 100001, draft_id: 1, text: 'a' });
    await expect(api.raw.sendMessageDraft({ chat_id: 100001, draft_id: 1, text: 'b' })).rejects.toMatchObject(
      {
        error_code: 429,
      },
    );
  });

  it('can be switched on and off over the control API', async () => {
    await start(undefined);
    const on = await postJson(`${emu.url}/_emulator/flood-limits`, { enabled: true, per_chat_burst: 1 });
    expect(on.json.result).toMatchObject({ enabled: true, limits: { perChatBurst: 1, perChatPerSecond: 1 } });
    emu.sendUserMessage({ text: 'hi' });
    await api.sendMessage(100001, 'a');
    await expect(api.sendMessage(100001, 'b')).rejects.toMatchObject({ error_code: 429 });
    const off = await postJson(`${emu.url}/_emulator/flood-limits`, { enabled: false });
    expect(off.json.result).toEqual({ enabled: false, limits: null });
    await api.sendMessage(100001, 'c');
    expect((await getJson(`${emu.url}/_emulator/flood-limits`)).json.result).toEqual({
      enabled: false,
      limits: null,
    });
  });
});
