import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { Api, GrammyError } from 'grammy';
import { sendTextSafely } from './send-text';
import { splitText, TELEGRAM_TEXT_LIMIT } from './split-text';

const TOKEN = '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
let emulator: Emulator;
let api: Api;
let chats = 400_000;

function newChat(): number {
  const chatId = ++chats;
  emulator.sendUserMessage({ text: 'hi', chatId });
  return chatId;
}

const sendCalls = (chatId: number) => emulator.calls({ method: 'sendMessage', chatId });

beforeAll(async () => {
  emulator = await startEmulator({ tokens: [TOKEN] });
  api = new Api(TOKEN, { apiRoot: emulator.url });
});

afterAll(async () => {
  await emulator.close();
});

describe('sendTextSafely', () => {
  it('resends as plain text when Telegram cannot parse the markup', async () => {
    const chat = newChat();
    const ids = await sendTextSafely(api, chat, '1.5 is a number', { parse_mode: 'MarkdownV2' });

    const calls = sendCalls(chat);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ ok: false, errorCode: 400, params: { parse_mode: 'MarkdownV2' } });
    expect(calls[0]?.description).toMatch(/can't parse entities/);
    expect(calls[1]?.ok).toBe(true);
    expect(calls[1]?.params.parse_mode).toBeUndefined();

    const messages = emulator.botMessages(chat);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toBe('1.5 is a number');
    expect(messages[0]?.entities ?? []).toEqual([]);
    expect(ids).toEqual([messages[0]?.messageId]);
  });

  it('keeps formatting that parses', async () => {
    const chat = newChat();
    await sendTextSafely(api, chat, '*bold* and 1\\.5', { parse_mode: 'MarkdownV2' });
    expect(sendCalls(chat)).toHaveLength(1);
    const [message] = emulator.botMessages(chat);
    expect(message?.text).toBe('bold and 1.5');
    expect(message?.entities).toEqual([{ type: 'bold', offset: 0, length: 4 }]);
  });

  it('splits long text into parts Telegram accepts, plain when markup was asked for', async () => {
    const chat = newChat();
    const paragraph = `<b>Part</b> ${'lorem ipsum dolor sit amet '.repeat(60).trim()}.`;
    const text = Array(8).fill(paragraph).join('\n\n'); // ~13k characters
    const ids = await sendTextSafely(api, chat, text, {
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'More', callback_data: 'more' }]] },
    });

    const expected = splitText(text);
    expect(expected.length).toBeGreaterThan(1);
    const messages = emulator.botMessages(chat);
    expect(messages.map((m) => m.text)).toEqual(expected);
    expect(ids).toEqual(messages.map((m) => m.messageId));
    for (const message of messages) expect(message.text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    // Markup cut in half would not parse: every part went as plain text, shown as written.
    for (const call of sendCalls(chat)) expect(call.params.parse_mode).toBeUndefined();
    expect(messages[0]?.text.startsWith('<b>Part</b>')).toBe(true);
    // The buttons belong under the end of the answer only.
    expect(messages.map((m) => m.replyMarkup !== undefined)).toEqual(
      expected.map((_, i) => i === expected.length - 1),
    );
  });

  it('lets other errors through without resending', async () => {
    const chat = newChat();
    emulator.failNext({ method: 'sendMessage', chatId: chat, errorCode: 403 });
    const err = await sendTextSafely(api, chat, '*hi*', { parse_mode: 'MarkdownV2' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GrammyError);
    expect((err as GrammyError).error_code).toBe(403);
    expect(sendCalls(chat)).toHaveLength(1);
    expect(emulator.botMessages(chat)).toHaveLength(0);
  });

  it('does not mask a parse error of text that had no markup to drop', async () => {
    const chat = newChat();
    emulator.failNext({ method: 'sendMessage', chatId: chat, errorCode: 400 }); // "can't parse entities"
    await expect(sendTextSafely(api, chat, 'plain')).rejects.toBeInstanceOf(GrammyError);
    expect(sendCalls(chat)).toHaveLength(1);
  });
});
