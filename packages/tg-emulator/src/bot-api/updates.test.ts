import { Api } from 'grammy';
import { sleep, TOKEN } from '../__tests__/helpers';
import { type Emulator, startEmulator } from '../index';

describe('getUpdates', () => {
  let emu: Emulator;
  let api: Api;

  beforeEach(async () => {
    emu = await startEmulator({ tokens: [TOKEN] });
    api = new Api(TOKEN, { apiRoot: emu.url });
  });
  afterEach(() => emu.close());

  it('returns pending updates until an offset confirms them', async () => {
    const u1 = emu.sendUserMessage({ text: 'one' });
    const u2 = emu.sendUserMessage({ text: 'two' });
    expect((await api.getUpdates()).map((u) => u.update_id)).toEqual([u1.update_id, u2.update_id]);
    // Not confirmed yet: returned again.
    expect((await api.getUpdates({ limit: 1 })).map((u) => u.update_id)).toEqual([u1.update_id]);
    expect((await api.getUpdates({ offset: u1.update_id + 1 })).map((u) => u.update_id)).toEqual([
      u2.update_id,
    ]);
    expect(await api.getUpdates({ offset: u2.update_id + 1 })).toEqual([]);
    expect((await api.getWebhookInfo()).pending_update_count).toBe(0);
  });

  it('keeps only the last updates for a negative offset', async () => {
    for (const text of ['a', 'b', 'c']) emu.sendUserMessage({ text });
    expect((await api.getUpdates({ offset: -1 })).map((u) => u.message?.text)).toEqual(['c']);
  });

  it('long-polls until an update arrives', async () => {
    const started = Date.now();
    const poll = api.getUpdates({ timeout: 10 });
    await sleep(150);
    const update = emu.sendUserMessage({ text: 'wake up' });
    const updates = await poll;
    expect(updates.map((u) => u.update_id)).toEqual([update.update_id]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('returns an empty list when the long poll times out', async () => {
    const started = Date.now();
    expect(await api.getUpdates({ timeout: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('ends a running long poll with 409 when another getUpdates arrives', async () => {
    const first = api.getUpdates({ timeout: 10 }).catch((e: unknown) => e);
    await sleep(100);
    const second = api.getUpdates({ timeout: 0 });
    expect(await first).toMatchObject({
      error_code: 409,
      description:
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });
    expect(await second).toEqual([]);
  });

  it('applies allowed_updates to updates created afterwards', async () => {
    await api.getUpdates({ allowed_updates: ['callback_query'] });
    emu.sendUserMessage({ text: 'ignored' });
    const callback = emu.injectUpdate({
      callback_query: { id: 'q', from: { id: 1, is_bot: false, first_name: 'A' }, chat_instance: 'c' },
    });
    expect((await api.getUpdates()).map((u) => u.update_id)).toEqual([callback.update_id]);
  });

  it('ends long polls when the emulator closes', async () => {
    const poll = api.getUpdates({ timeout: 30 }).catch(() => 'failed');
    await sleep(50);
    const started = Date.now();
    await emu.close();
    await poll;
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
