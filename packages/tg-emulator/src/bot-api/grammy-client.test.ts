import { Api, GrammyError } from 'grammy';
import { TOKEN } from '../__tests__/helpers';
import { type Emulator, startEmulator } from '../index';

/** The bot's real client path: grammY's Api pointed at the emulator. */
describe('Bot API through grammY', () => {
  let emu: Emulator;
  let api: Api;
  const chatId = 100001;

  beforeEach(async () => {
    emu = await startEmulator({ tokens: [TOKEN] });
    api = new Api(TOKEN, { apiRoot: emu.url });
    emu.sendUserMessage({ text: 'hi' });
  });
  afterEach(() => emu.close());

  async function grammyError(call: Promise<unknown>): Promise<GrammyError> {
    try {
      await call;
    } catch (err) {
      if (err instanceof GrammyError) return err;
      throw err;
    }
    throw new Error('the call succeeded');
  }

  it('getMe returns the bot user with its capabilities', async () => {
    const me = await api.getMe();
    expect(me).toMatchObject({
      id: 123456789,
      is_bot: true,
      first_name: 'Parley',
      username: 'parley_123456789_bot',
      can_join_groups: true,
      supports_inline_queries: false,
    });
    expect(typeof me.can_read_all_group_messages).toBe('boolean');
  });

  it('sendMessage returns a full Message with increasing ids and parsed entities', async () => {
    const first = await api.sendMessage(chatId, '<b>Hi</b> <a href="https://example.com">there</a>', {
      parse_mode: 'HTML',
    });
    const second = await api.sendMessage(chatId, 'plain');
    expect(first).toMatchObject({
      message_id: 2,
      from: { id: 123456789, is_bot: true, username: 'parley_123456789_bot' },
      chat: { id: chatId, type: 'private' },
      text: 'Hi there',
      entities: [
        { type: 'bold', offset: 0, length: 2 },
        { type: 'text_link', offset: 3, length: 5, url: 'https://example.com/' },
      ],
    });
    expect(Math.abs(first.date - Date.now() / 1000)).toBeLessThan(5);
    expect(second.message_id).toBe(3);
    expect(second.entities).toBeUndefined();
    expect(emu.botMessages(chatId).map((m) => [m.messageId, m.text, m.parseMode])).toEqual([
      [2, 'Hi there', 'HTML'],
      [3, 'plain', undefined],
    ]);
  });

  it('sendMessage replies, passes inline keyboards through and records the call', async () => {
    const markup = { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] };
    const sent = await api.sendMessage(chatId, 'answer', {
      reply_parameters: { message_id: 1 },
      reply_markup: markup,
    });
    expect(sent.reply_to_message).toMatchObject({ message_id: 1, text: 'hi' });
    expect(sent.reply_markup).toEqual(markup);
    const [call] = emu.calls({ method: 'sendMessage', chatId });
    expect(call).toMatchObject({
      method: 'sendMessage',
      token: TOKEN,
      ok: true,
      params: { chat_id: chatId, text: 'answer' },
    });
    await expect(
      api.sendMessage(chatId, 'x', { reply_parameters: { message_id: 99 } }),
    ).rejects.toMatchObject({
      error_code: 400,
      description: 'Bad Request: message to be replied not found',
    });
  });

  it('editMessageText edits in place and refuses unchanged or unknown messages', async () => {
    const sent = await api.sendMessage(chatId, 'draft 1');
    const edited = await api.editMessageText(chatId, sent.message_id, '*final*', {
      parse_mode: 'MarkdownV2',
    });
    expect(edited).toMatchObject({
      message_id: sent.message_id,
      text: 'final',
      entities: [{ type: 'bold', offset: 0, length: 5 }],
    });
    expect(typeof (edited as { edit_date?: number }).edit_date).toBe('number');
    expect(emu.botMessages(chatId)).toEqual([expect.objectContaining({ text: 'final', editCount: 1 })]);

    const same = await grammyError(
      api.editMessageText(chatId, sent.message_id, '*final*', { parse_mode: 'MarkdownV2' }),
    );
    expect(same.error_code).toBe(400);
    expect(same.description).toBe(
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
    const missing = await grammyError(api.editMessageText(chatId, 999, 'x'));
    expect(missing.description).toBe('Bad Request: message to edit not found');
    const usersMessage = await grammyError(api.editMessageText(chatId, 1, 'x'));
    expect(usersMessage.description).toBe("Bad Request: message can't be edited");
  });

  it('editMessageReplyMarkup tells a bot message without a keyboard from user and missing messages, changing nothing', async () => {
    const sent = await api.sendMessage(chatId, 'an answer');
    const same = await grammyError(
      api.editMessageReplyMarkup(chatId, sent.message_id, { reply_markup: { inline_keyboard: [] } }),
    );
    expect(same.description).toMatch(/^Bad Request: message is not modified/);
    expect(emu.botMessages(chatId).find((m) => m.messageId === sent.message_id)?.text).toBe('an answer');
    const users = await grammyError(
      api.editMessageReplyMarkup(chatId, 1, { reply_markup: { inline_keyboard: [] } }),
    );
    expect(users.description).toBe("Bad Request: message can't be edited");
    const missing = await grammyError(
      api.editMessageReplyMarkup(chatId, 999, { reply_markup: { inline_keyboard: [] } }),
    );
    expect(missing.description).toBe('Bad Request: message to edit not found');
    const withKeyboard = await api.editMessageReplyMarkup(chatId, sent.message_id, {
      reply_markup: { inline_keyboard: [[{ text: 'ok', callback_data: 'ok' }]] },
    });
    expect(withKeyboard).toMatchObject({
      message_id: sent.message_id,
      reply_markup: { inline_keyboard: [[{ text: 'ok' }]] },
    });
  });

  it('sendChatAction validates the action', async () => {
    expect(await api.sendChatAction(chatId, 'typing')).toBe(true);
    const bad = await grammyError(api.sendChatAction(chatId, 'dancing' as 'typing'));
    expect(bad.error_code).toBe(400);
    expect(bad.description).toBe('Bad Request: wrong parameter action in request');
  });

  it('sendMessageDraft works in private chats only and is not a message', async () => {
    expect(await api.sendMessageDraft(chatId, 7, 'Thinking about')).toBe(true);
    expect(emu.botMessages(chatId)).toEqual([]);
    const zero = await grammyError(api.sendMessageDraft(chatId, 0, 'x'));
    expect(zero.error_code).toBe(400);

    const group = emu.sendUserMessage({ text: 'hello group', chatType: 'group' }).message?.chat.id as number;
    const inGroup = await grammyError(api.sendMessageDraft(group, 1, 'x'));
    expect(inGroup.error_code).toBe(400);
    expect(inGroup.description).toMatch(/^Bad Request: .*private chats/);
    expect(await api.sendMessage(group, 'groups get real messages')).toMatchObject({
      chat: { id: group, type: 'group' },
    });
  });

  it('answers errors like Telegram: chat not found, empty and too long texts, bad markup', async () => {
    expect(await grammyError(api.sendMessage(424242, 'x'))).toMatchObject({
      error_code: 400,
      description: 'Bad Request: chat not found',
    });
    expect(await grammyError(api.sendMessage(chatId, ''))).toMatchObject({
      description: 'Bad Request: message text is empty',
    });
    expect(await grammyError(api.sendMessage(chatId, '<b></b>', { parse_mode: 'HTML' }))).toMatchObject({
      description: 'Bad Request: message text is empty',
    });
    expect(await grammyError(api.sendMessage(chatId, 'x'.repeat(4097)))).toMatchObject({
      description: 'Bad Request: message is too long',
    });
    // The limit applies after parsing: markup does not count.
    const long = await api.sendMessage(chatId, `<b>${'y'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
    expect(long.text).toHaveLength(4096);
    expect(await grammyError(api.sendMessage(chatId, 'v1.2', { parse_mode: 'MarkdownV2' }))).toMatchObject({
      error_code: 400,
      description:
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    });
    expect(await grammyError(api.sendMessage(chatId, '<x>', { parse_mode: 'HTML' }))).toMatchObject({
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0',
    });
    expect(await grammyError(api.sendMessage(chatId, 'x', { parse_mode: 'BBCode' as 'HTML' }))).toMatchObject(
      {
        description: 'Bad Request: unsupported parse_mode',
      },
    );
    expect(emu.botMessages(chatId).map((m) => m.text.length)).toEqual([4096]);
  });

  it('injected 429 carries retry_after in GrammyError.parameters, and the fault is used up', async () => {
    emu.failNext({ method: 'sendMessage', errorCode: 429, retryAfter: 7 });
    const err = await grammyError(api.sendMessage(chatId, 'x'));
    expect(err.error_code).toBe(429);
    expect(err.description).toBe('Too Many Requests: retry after 7');
    expect(err.parameters.retry_after).toBe(7);
    expect(emu.calls({ method: 'sendMessage' })[0]).toMatchObject({
      ok: false,
      errorCode: 429,
      injected: true,
    });
    await expect(api.sendMessage(chatId, 'x')).resolves.toMatchObject({ text: 'x' });
  });

  it('injected 403 and 400 faults match by method, chat and count', async () => {
    emu.failNext({ chatId, errorCode: 403, times: 2 });
    emu.failNext({ method: 'editMessageText', errorCode: 400 });
    expect(await grammyError(api.sendChatAction(chatId, 'typing'))).toMatchObject({
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    expect(await grammyError(api.sendMessage(chatId, 'x'))).toMatchObject({ error_code: 403 });
    const sent = await api.sendMessage(chatId, 'x');
    const parse = await grammyError(api.editMessageText(chatId, sent.message_id, 'y'));
    expect(parse.error_code).toBe(400);
    expect(parse.description).toMatch(/^Bad Request: can't parse entities: /);
    expect(await api.getMe()).toMatchObject({ is_bot: true });

    emu.failNext({ errorCode: 400, description: 'Bad Request: custom', times: 5 });
    emu.clearFaults();
    await expect(api.sendMessage(chatId, 'after clear')).resolves.toMatchObject({ text: 'after clear' });
  });

  it('refuses unknown tokens with 401 and unknown methods with 404', async () => {
    const stranger = new Api('111:AAAAAAAAAAAAAAAAAAAA', { apiRoot: emu.url });
    expect(await grammyError(stranger.getMe())).toMatchObject({
      error_code: 401,
      description: 'Unauthorized',
    });
    const raw = api.raw as unknown as Record<string, (payload: object) => Promise<unknown>>;
    expect(await grammyError(raw.sendTelepathy?.({ chat_id: chatId }) ?? Promise.resolve())).toMatchObject({
      error_code: 404,
      description: 'Not Found',
    });
    expect(emu.calls().at(-1)).toMatchObject({ method: 'sendTelepathy', ok: false, errorCode: 404 });
  });
});
