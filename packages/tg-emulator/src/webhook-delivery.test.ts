import { Api, GrammyError } from 'grammy';
import { type Receiver, sleep, startReceiver, TOKEN, waitFor } from './__tests__/helpers';
import { type Emulator, startEmulator } from './index';

describe('webhook delivery', () => {
  let emu: Emulator;
  let api: Api;
  let receiver: Receiver | undefined;

  beforeEach(async () => {
    emu = await startEmulator({ tokens: [TOKEN], webhookRetryDelayMs: 50 });
    api = new Api(TOKEN, { apiRoot: emu.url });
  });
  afterEach(async () => {
    await emu.close();
    await receiver?.close();
    receiver = undefined;
  });

  it('POSTs each update as JSON with the secret token header', async () => {
    receiver = await startReceiver(() => 200);
    expect(await api.setWebhook(receiver.url, { secret_token: 'S3cret_-token' })).toBe(true);
    expect(emu.webhook()).toEqual({ url: receiver.url, secretToken: 'S3cret_-token', maxConnections: 40 });
    const update = emu.sendUserMessage({ text: 'hello' });

    const req = await receiver.nextRequest();
    expect(req.headers['x-telegram-bot-api-secret-token']).toBe('S3cret_-token');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual(JSON.parse(JSON.stringify(update)));
    await waitFor(
      async () => (await api.getWebhookInfo()).pending_update_count === 0,
      3_000,
      'no pending updates',
    );
  });

  it('sends no secret header without a secret, and validates secrets', async () => {
    receiver = await startReceiver(() => 200);
    await api.setWebhook(receiver.url);
    emu.sendUserMessage({ text: 'x' });
    expect((await receiver.nextRequest()).headers['x-telegram-bot-api-secret-token']).toBeUndefined();
    await expect(api.setWebhook(receiver.url, { secret_token: 'bad token!' })).rejects.toMatchObject({
      error_code: 400,
      description: 'Bad Request: secret token contains unallowed characters',
    });
  });

  it('holds back the next update of a chat until the previous one got a 2xx; other chats go on', async () => {
    receiver = await startReceiver();
    await api.setWebhook(receiver.url);
    const a1 = emu.sendUserMessage({ text: 'a1', userId: 1001 });
    const a2 = emu.sendUserMessage({ text: 'a2', userId: 1001 });
    const b1 = emu.sendUserMessage({ text: 'b1', userId: 2002 });

    const first = await receiver.nextRequest();
    const second = await receiver.nextRequest();
    expect([first.body.update_id, second.body.update_id]).toEqual([a1.update_id, b1.update_id]);
    await sleep(200);
    expect(receiver.requests).toHaveLength(2);
    expect((await api.getWebhookInfo()).pending_update_count).toBe(3);

    second.respond(200);
    first.respond(200);
    const third = await receiver.nextRequest();
    expect(third.body.update_id).toBe(a2.update_id);
    third.respond(200);
    await waitFor(async () => (await api.getWebhookInfo()).pending_update_count === 0, 3_000, 'delivery');
  });

  it('keeps at most max_connections deliveries in flight', async () => {
    receiver = await startReceiver();
    await api.setWebhook(receiver.url, { max_connections: 2 });
    for (const userId of [1, 2, 3]) emu.sendUserMessage({ text: 'x', userId });
    const first = await receiver.nextRequest();
    await receiver.nextRequest();
    await sleep(150);
    expect(receiver.requests).toHaveLength(2);
    first.respond(200);
    await receiver.nextRequest();
    expect((await api.getWebhookInfo()).max_connections).toBe(2);
  });

  it('retries after a 500, reporting the error in getWebhookInfo, and keeps the chat order', async () => {
    receiver = await startReceiver((_req, index) => (index === 0 ? 500 : 200));
    await api.setWebhook(receiver.url);
    const first = emu.sendUserMessage({ text: 'one' });
    const second = emu.sendUserMessage({ text: 'two' });

    await waitFor(() => (receiver?.requests.length ?? 0) >= 3, 3_000, 'retry');
    expect(receiver.requests.map((r) => r.body.update_id)).toEqual([
      first.update_id,
      first.update_id,
      second.update_id,
    ]);
    const info = await api.getWebhookInfo();
    expect(info.last_error_message).toBe('Wrong response from the webhook: 500 Internal Server Error');
    expect(Math.abs((info.last_error_date ?? 0) - Date.now() / 1000)).toBeLessThan(5);
    await waitFor(async () => (await api.getWebhookInfo()).pending_update_count === 0, 3_000, 'delivery');
  });

  it('treats connection errors and timeouts as failures and keeps the update pending', async () => {
    receiver = await startReceiver(() => 200);
    const closedUrl = receiver.url;
    await receiver.close();
    receiver = undefined;
    await api.setWebhook(closedUrl);
    emu.sendUserMessage({ text: 'lost?' });
    await waitFor(
      async () => (await api.getWebhookInfo()).last_error_message === 'Connection refused',
      3_000,
      'error',
    );
    expect((await api.getWebhookInfo()).pending_update_count).toBe(1);

    const slow = await startEmulator({ tokens: [TOKEN], webhookTimeoutMs: 100, webhookRetryDelayMs: 10_000 });
    const silent = await startReceiver();
    try {
      const slowApi = new Api(TOKEN, { apiRoot: slow.url });
      await slowApi.setWebhook(silent.url);
      slow.sendUserMessage({ text: 'anyone?' });
      await waitFor(
        async () => (await slowApi.getWebhookInfo()).last_error_message === 'Read timeout expired',
        3_000,
        'timeout',
      );
    } finally {
      await slow.close();
      await silent.close();
    }
  });

  it('runs a method returned in the webhook response, like Telegram', async () => {
    receiver = await startReceiver((req) => {
      const message = req.body.message as { chat: { id: number } };
      return {
        status: 200,
        body: { method: 'sendMessage', chat_id: message.chat.id, text: 'replied inline' },
      };
    });
    await api.setWebhook(receiver.url);
    emu.sendUserMessage({ text: 'ping' });
    await waitFor(() => emu.botMessages().length === 1, 3_000, 'webhook reply');
    expect(emu.botMessages()[0]).toMatchObject({ text: 'replied inline', chatId: 100001 });
    expect(emu.calls({ method: 'sendMessage' })[0]).toMatchObject({ via: 'webhook-reply', ok: true });
  });

  it('redelivers an update on request', async () => {
    receiver = await startReceiver(() => 200);
    await api.setWebhook(receiver.url);
    const update = emu.sendUserMessage({ text: 'again' });
    await receiver.nextRequest();
    emu.redeliver(update.update_id);
    expect((await receiver.nextRequest()).body.update_id).toBe(update.update_id);
  });

  it('filters by allowed_updates and drops pending updates on request', async () => {
    receiver = await startReceiver(() => 200);
    await api.setWebhook(receiver.url, { allowed_updates: ['callback_query'] });
    emu.sendUserMessage({ text: 'not wanted' });
    emu.injectUpdate({
      callback_query: {
        id: '1',
        from: { id: 100001, is_bot: false, first_name: 'Alice' },
        chat_instance: '1',
        data: 'd',
      },
    });
    const req = await receiver.nextRequest();
    expect(req.body).toHaveProperty('callback_query');
    await sleep(100);
    expect(receiver.requests).toHaveLength(1);
    expect((await api.getWebhookInfo()).allowed_updates).toEqual(['callback_query']);

    await api.deleteWebhook();
    await api.setWebhook(receiver.url, { allowed_updates: [] });
    const silentReceiver = await startReceiver();
    try {
      await api.setWebhook(silentReceiver.url);
      emu.sendUserMessage({ text: 'a', userId: 5 });
      emu.sendUserMessage({ text: 'b', userId: 5 });
      await silentReceiver.nextRequest();
      expect((await api.getWebhookInfo()).pending_update_count).toBe(2);
      await api.deleteWebhook({ drop_pending_updates: true });
      // The update in flight is not dropped; the waiting one is.
      expect((await api.getWebhookInfo()).pending_update_count).toBe(1);
    } finally {
      await silentReceiver.close();
    }
  });

  it('makes getUpdates fail with 409 while a webhook is set', async () => {
    receiver = await startReceiver(() => 200);
    await api.setWebhook(receiver.url);
    const err = await api.getUpdates().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrammyError);
    expect(err).toMatchObject({
      error_code: 409,
      description:
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
    expect(await api.deleteWebhook()).toBe(true);
    expect(await api.getUpdates()).toEqual([]);
    expect((await api.getWebhookInfo()).url).toBe('');
  });

  it('answers setWebhook and deleteWebhook with Telegram descriptions', async () => {
    receiver = await startReceiver(() => 200);
    const call = async (method: string, body: object) => {
      const res = await fetch(`${emu.url}/bot${TOKEN}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return res.json();
    };
    expect(await call('setWebhook', { url: receiver.url })).toEqual({
      ok: true,
      result: true,
      description: 'Webhook was set',
    });
    expect(await call('setWebhook', { url: receiver.url })).toEqual({
      ok: true,
      result: true,
      description: 'Webhook is already set',
    });
    expect(await call('deleteWebhook', {})).toEqual({
      ok: true,
      result: true,
      description: 'Webhook was deleted',
    });
    expect(await call('deleteWebhook', {})).toEqual({
      ok: true,
      result: true,
      description: 'Webhook is already deleted',
    });
    expect(emu.webhook()).toBeUndefined();
  });
});
