import { freePort } from '@parley/redis';
import { waitFor } from '@parley/testing';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { Api } from 'grammy';
import type { OpsTelegramConfig } from '../ops-config';
import type { OpsConnectors, TelegramContext } from '../ops-context';
import { runOps } from '../run-ops';
import { TelegramCallError } from './webhook';

const TOKEN = '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
let emu: Emulator;
let lines: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({ tokens: [TOKEN], webhookRetryDelayMs: 50 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  lines = [];
});

/** parley-ops with grammY's client pointed at the emulator, as TELEGRAM_API_ROOT would point it. */
function run(argv: string[], config: Partial<OpsTelegramConfig> = {}) {
  const full: OpsTelegramConfig = {
    botToken: TOKEN,
    apiRoot: emu.url,
    webhookSecret: 'gateway-secret',
    webhookPath: '/telegram/webhook',
    ...config,
  };
  const telegram = async (json: boolean): Promise<TelegramContext> => ({
    api: new Api(full.botToken, { apiRoot: full.apiRoot }),
    config: full,
    out: (line) => lines.push(line),
    json,
  });
  const connectors: OpsConnectors = {
    telegram,
    redis: () => Promise.reject(new Error('no Redis here')),
    cluster: () => Promise.reject(new Error('no cluster here')),
  };
  return runOps(argv, connectors);
}

describe('parley-ops webhook', () => {
  it('sets the webhook with the gateway secret, shows its state and deletes it', async () => {
    const closed = await freePort();
    emu.sendUserMessage({ text: 'hello' });
    expect(
      await run(['webhook', 'set', '--url', `http://127.0.0.1:${closed}`, '--max-connections', '8']),
    ).toBe(0);
    const url = `http://127.0.0.1:${closed}/telegram/webhook`;
    expect(lines[0]).toBe(`webhook set to ${url} (with the secret token)`);
    expect(emu.webhook()).toEqual({ url, secretToken: 'gateway-secret', maxConnections: 8 });

    // Nothing listens there: the emulator's delivery fails and Telegram would report it the same way.
    await waitFor(async () => {
      lines = [];
      await run(['webhook', 'info']);
      return lines.some((l) => l.startsWith('last error'));
    });
    expect(lines).toContain(`url              ${url}`);
    expect(lines).toContain('pending updates  1');
    expect(lines).toContain('max connections  8');

    lines = [];
    expect(await run(['webhook', 'info', '--json'])).toBe(0);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ url, pending_update_count: 1, max_connections: 8 });

    lines = [];
    expect(await run(['webhook', 'delete', '--drop-pending-updates'])).toBe(0);
    expect(emu.webhook()).toBeUndefined();
    lines = [];
    await run(['webhook', 'info']);
    expect(lines).toEqual(['no webhook set (0 pending updates wait for getUpdates)']);
  });

  it('takes TELEGRAM_WEBHOOK_URL when --url is not given', async () => {
    expect(await run(['webhook', 'set'], { webhookUrl: 'http://127.0.0.1:9/custom/path' })).toBe(0);
    expect(emu.webhook()?.url).toBe('http://127.0.0.1:9/custom/path');
    await run(['webhook', 'delete']);
  });

  it('says in one line what is wrong', async () => {
    await expect(
      run(['webhook', 'set', '--url', 'http://127.0.0.1:9'], { webhookSecret: undefined }),
    ).rejects.toThrow(/^TELEGRAM_WEBHOOK_SECRET is required/);
    await expect(run(['webhook', 'set'])).rejects.toThrow(/say where: --url/);
    emu.failNext({
      method: 'setWebhook',
      errorCode: 400,
      description: 'Bad Request: bad webhook: IP address is reserved',
    });
    await expect(run(['webhook', 'set', '--url', 'http://127.0.0.1:9'])).rejects.toThrow(
      new TelegramCallError(
        'the Bot API refused setWebhook (400): Bad Request: bad webhook: IP address is reserved',
      ),
    );
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const failure = run(['webhook', 'info'], { apiRoot: nowhere });
    await expect(failure).rejects.toThrow(TelegramCallError);
    await expect(failure).rejects.toThrow(
      new RegExp(`^cannot reach the Bot API at ${nowhere}: .*ECONNREFUSED`),
    );
    await expect(failure).rejects.not.toThrow(/AAHdq/);
  });
});
