import { TOKEN } from '../__tests__/helpers';
import { type Emulator, startEmulator } from '../index';

/** Real Telegram takes parameters from the query string, forms and multipart bodies too. */
describe('Bot API request formats', () => {
  let emu: Emulator;
  const chatId = 100001;

  beforeEach(async () => {
    emu = await startEmulator({ tokens: [TOKEN] });
    emu.sendUserMessage({ text: 'hi' });
  });
  afterEach(() => emu.close());

  const methodUrl = (method: string) => `${emu.url}/bot${TOKEN}/${method}`;

  it('accepts GET with a query string, converting types by the spec', async () => {
    const res = await fetch(
      `${methodUrl('sendMessage')}?chat_id=${chatId}&text=${encodeURIComponent('<i>q</i>')}&parse_mode=HTML&disable_notification=true`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; result: { text: string; entities: unknown[] } };
    expect(body).toMatchObject({
      ok: true,
      result: { text: 'q', entities: [{ type: 'italic', offset: 0, length: 1 }] },
    });
    expect(emu.calls({ method: 'sendMessage' })[0]?.params).toMatchObject({
      chat_id: chatId,
      disable_notification: true,
    });
  });

  it('accepts x-www-form-urlencoded bodies with JSON-serialized fields', async () => {
    const res = await fetch(methodUrl('sendMessage'), {
      method: 'POST',
      body: new URLSearchParams({
        chat_id: String(chatId),
        text: 'form',
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'a', callback_data: 'b' }]] }),
      }),
    });
    expect(await res.json()).toMatchObject({
      ok: true,
      result: { text: 'form', reply_markup: { inline_keyboard: [[{ text: 'a' }]] } },
    });
    const bad = await fetch(methodUrl('sendMessage'), {
      method: 'POST',
      body: new URLSearchParams({ chat_id: String(chatId), text: 'x', reply_markup: '{nope' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      ok: false,
      error_code: 400,
      description: "Bad Request: can't parse reply keyboard markup JSON object",
    });
  });

  it('accepts multipart/form-data, with files described in the recorded call', async () => {
    const form = new FormData();
    form.set('chat_id', String(chatId));
    form.set('text', 'multi');
    form.set('entities', JSON.stringify([{ type: 'bold', offset: 0, length: 5 }]));
    form.set('extra', new Blob(['12345'], { type: 'text/plain' }), 'notes.txt');
    const res = await fetch(methodUrl('sendMessage'), { method: 'POST', body: form });
    expect(await res.json()).toMatchObject({
      ok: true,
      result: { text: 'multi', entities: [{ type: 'bold', offset: 0, length: 5 }] },
    });
    expect(emu.calls({ method: 'sendMessage' })[0]?.params.extra).toEqual({
      filename: 'notes.txt',
      size: 5,
      contentType: 'text/plain',
    });
  });

  it('matches method names case-insensitively and answers unknown ones with 404', async () => {
    const res = await fetch(methodUrl('GETME'));
    expect(await res.json()).toMatchObject({ ok: true, result: { id: 123456789 } });
    expect(emu.calls()[0]?.method).toBe('getMe');
    const unknown = await fetch(methodUrl('getEverything'));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
    const elsewhere = await fetch(`${emu.url}/api/v1/whatever`);
    expect(elsewhere.status).toBe(404);
  });

  it('answers real but unimplemented methods with 501', async () => {
    const res = await fetch(methodUrl('sendPhoto'), { method: 'POST' });
    expect(res.status).toBe(501);
    expect(await res.json()).toMatchObject({ ok: false, error_code: 501 });
  });

  it('answers malformed or unconfigured tokens with 401', async () => {
    for (const token of ['nonsense', '123:short', '42:AAAAAAAAAAAAAAAAAAAAAAAA']) {
      const res = await fetch(`${emu.url}/bot${token}/getMe`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
    }
  });

  it('reports missing required parameters and bad JSON bodies', async () => {
    const noChat = await fetch(methodUrl('sendMessage'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x' }),
    });
    expect(noChat.status).toBe(400);
    expect(await noChat.json()).toMatchObject({ description: 'Bad Request: chat_id is empty' });
    const noText = await fetch(`${methodUrl('sendMessage')}?chat_id=${chatId}`);
    expect(await noText.json()).toMatchObject({ description: 'Bad Request: message text is empty' });
    const broken = await fetch(methodUrl('sendMessage'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"chat_id":',
    });
    expect(broken.status).toBe(400);
  });

  it('accepts any well-formed token when no tokens are configured', async () => {
    const open = await startEmulator({ botNames: { '555': { username: 'named_bot', firstName: 'Named' } } });
    try {
      const res = await fetch(`${open.url}/bot555:AAAAAAAAAAAAAAAAAAAA/getMe`);
      expect(await res.json()).toMatchObject({
        ok: true,
        result: { id: 555, username: 'named_bot', first_name: 'Named' },
      });
      // The only bot that used the API is the default for helpers.
      expect(open.sendUserMessage({ text: 'hello' }).message?.chat.id).toBe(100001);
    } finally {
      await open.close();
    }
  });
});
