import http from 'node:http';
import { Api } from 'grammy';
import { getJson, OTHER_TOKEN, postJson, TOKEN } from './__tests__/helpers';
import { type ChatEvent, type Emulator, startEmulator } from './index';

/** Reads Server-Sent Events from the emulator until `count` events arrived. */
function collectEvents(url: string, count: number, onOpen: () => void): Promise<ChatEvent[]> {
  return new Promise((resolve, reject) => {
    const events: ChatEvent[] = [];
    const req = http.get(url, (res) => {
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)) as ChatEvent);
          end = buffer.indexOf('\n\n');
        }
        if (events.length >= count) {
          req.destroy();
          resolve(events);
        }
      });
      onOpen();
    });
    req.on('error', (err) => {
      if (events.length < count) reject(err);
    });
  });
}

describe('control API', () => {
  let emu: Emulator;
  let api: Api;
  const control = (path: string) => `${emu.url}/_emulator${path}`;

  beforeEach(async () => {
    emu = await startEmulator({ tokens: [TOKEN] });
    api = new Api(TOKEN, { apiRoot: emu.url });
  });
  afterEach(() => emu.close());

  it('sends user messages (snake_case or camelCase) and lists chat history', async () => {
    const first = await postJson(control('/messages'), { text: '/start', user_id: 7, first_name: 'Bob' });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      ok: true,
      result: {
        update_id: 1,
        message: {
          message_id: 1,
          from: { id: 7, is_bot: false, first_name: 'Bob' },
          chat: { id: 7, type: 'private' },
          text: '/start',
          entities: [{ type: 'bot_command', offset: 0, length: 6 }],
        },
      },
    });
    await postJson(control('/messages'), { text: 'again', userId: 7 });
    await api.sendMessage(7, 'welcome');

    const history = await getJson(control('/chats/7/messages'));
    expect(
      (history.json.result as Array<{ text: string; fromBot: boolean }>).map((m) => [m.text, m.fromBot]),
    ).toEqual([
      ['/start', false],
      ['again', false],
      ['welcome', true],
    ]);
    const botOnly = await getJson(control('/bot-messages?chat_id=7'));
    expect(botOnly.json.result).toEqual([
      expect.objectContaining({ text: 'welcome', messageId: 3, fromBot: true }),
    ]);
    expect(emu.chatHistory(7)).toHaveLength(3);

    const chats = await getJson(control('/chats'));
    expect(chats.json.result).toEqual([
      expect.objectContaining({
        botId: 123456789,
        chat: expect.objectContaining({ id: 7 }),
        messageCount: 3,
      }),
    ]);
  });

  it('creates group chats with negative ids', async () => {
    const group = await postJson(control('/messages'), {
      text: 'hi all',
      chat_type: 'supergroup',
      chat_title: 'Team',
    });
    const chat = (group.json.result as { message: { chat: { id: number; type: string; title: string } } })
      .message.chat;
    expect(chat).toMatchObject({ type: 'supergroup', title: 'Team' });
    expect(String(chat.id)).toMatch(/^-100\d+$/);
    const bad = await postJson(control('/messages'), { text: 'x', chat_id: 5, user_id: 6 });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ ok: false, error_code: 400 });
  });

  it('injects raw updates and records calls filterable by method and chat', async () => {
    const injected = await postJson(control('/updates'), {
      update: {
        message: {
          message_id: 10,
          date: 1,
          chat: { id: 55, type: 'private', first_name: 'Eve' },
          from: { id: 55, is_bot: false, first_name: 'Eve' },
          text: 'raw',
        },
      },
    });
    expect(injected.json).toMatchObject({ ok: true, result: { update_id: 1, message: { message_id: 10 } } });
    // The chat of an injected update is known to the bot, and message ids continue after it.
    expect((await api.sendMessage(55, 'reply')).message_id).toBe(11);
    await api.sendChatAction(55, 'typing');
    await api.getMe();
    const calls = await getJson(control('/calls?chat_id=55'));
    expect((calls.json.result as Array<{ method: string }>).map((c) => c.method)).toEqual([
      'sendMessage',
      'sendChatAction',
    ]);
    const getMe = await getJson(control('/calls?method=getMe'));
    expect(getMe.json.result).toEqual([expect.objectContaining({ method: 'getMe', ok: true, token: TOKEN })]);
  });

  it('queues and clears faults, answering 429 exactly like Telegram', async () => {
    await postJson(control('/messages'), { text: 'hi' });
    const added = await postJson(control('/faults'), {
      method: 'sendMessage',
      error_code: 429,
      retry_after: 3,
      times: 2,
    });
    expect(added.status).toBe(200);
    const res = await fetch(`${emu.url}/bot${TOKEN}/sendMessage?chat_id=100001&text=x`);
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 3',
      parameters: { retry_after: 3 },
    });
    expect((await getJson(control('/faults'))).json.result).toEqual([
      expect.objectContaining({ errorCode: 429, remaining: 1 }),
    ]);
    expect((await fetch(control('/faults'), { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${emu.url}/bot${TOKEN}/sendMessage?chat_id=100001&text=x`)).status).toBe(200);

    const invalid = await postJson(control('/faults'), { error_code: 'soon' });
    expect(invalid.status).toBe(400);
  });

  it('redelivers, resets and lists bots', async () => {
    const sent = await postJson(control('/messages'), { text: 'one' });
    const updateId = (sent.json.result as { update_id: number }).update_id;
    expect((await postJson(control('/redeliver'), { update_id: updateId })).status).toBe(200);
    expect((await api.getUpdates()).map((u) => u.update_id)).toEqual([updateId, updateId]);
    expect((await postJson(control('/redeliver'), { update_id: 999 })).status).toBe(400);

    await api.setWebhook('http://127.0.0.1:9/hook', { secret_token: 'abc' });
    const bots = await getJson(control('/bots'));
    expect(bots.json.result).toEqual([
      expect.objectContaining({
        id: 123456789,
        username: 'parley_123456789_bot',
        webhook: { url: 'http://127.0.0.1:9/hook', secretToken: 'abc', maxConnections: 40 },
      }),
    ]);

    expect((await postJson(control('/reset'), {})).json).toEqual({ ok: true, result: true });
    expect(emu.chatHistory(100001)).toEqual([]);
    expect(emu.calls()).toEqual([]);
    expect(emu.webhook()).toMatchObject({ url: 'http://127.0.0.1:9/hook' });
    expect((await getJson(control('/nothing-here'))).status).toBe(404);
  });

  it('streams chat events over SSE: messages, edits, drafts and actions', async () => {
    await postJson(control('/messages'), { text: 'hi' });
    const events = collectEvents(control('/events?chat_id=100001'), 5, () => {
      void (async () => {
        await api.sendChatAction(100001, 'typing');
        await api.sendMessageDraft(100001, 3, 'Thinking');
        const sent = await api.sendMessage(100001, '<b>Done</b>', { parse_mode: 'HTML' });
        await api.editMessageText(100001, sent.message_id, 'Done!');
        // Another chat: filtered out of this stream.
        emu.sendUserMessage({ text: 'elsewhere', userId: 8 });
        await postJson(control('/messages'), { text: 'thanks' });
      })();
    });
    const received = await events;
    expect(received.map((e) => e.type)).toEqual(['action', 'draft', 'message', 'edit', 'message']);
    expect(received[0]).toMatchObject({ type: 'action', chatId: 100001, action: 'typing', botId: 123456789 });
    expect(received[1]).toMatchObject({ type: 'draft', draftId: 3, text: 'Thinking' });
    expect(received[2]).toMatchObject({
      type: 'message',
      message: { text: 'Done', fromBot: true, entities: [{ type: 'bold', offset: 0, length: 4 }] },
    });
    expect(received[3]).toMatchObject({ type: 'edit', message: { text: 'Done!', editCount: 1 } });
    expect(received[4]).toMatchObject({ type: 'message', message: { text: 'thanks', fromBot: false } });
  });

  it('requires a token when several bots are configured', async () => {
    const two = await startEmulator({ tokens: [TOKEN, OTHER_TOKEN] });
    try {
      expect(() => two.sendUserMessage({ text: 'x' })).toThrow(/2 bots are known/);
      const res = await postJson(`${two.url}/_emulator/messages`, { text: 'x' });
      expect(res.status).toBe(400);
      const ok = await postJson(`${two.url}/_emulator/messages`, { text: 'x', bot_id: 987654321 });
      expect(ok.status).toBe(200);
      expect(two.chatHistory(100001, OTHER_TOKEN)).toHaveLength(1);
      expect(two.chatHistory(100001, TOKEN)).toHaveLength(0);
    } finally {
      await two.close();
    }
  });
});
