import { startEmulator } from '@parley/tg-emulator';
import { loadStackConfig } from './stack-config';
import { StackError } from './stack-error';
import type { TelegramSide } from './stand-ins';
import { botUsername, ingestModeFor, publicWebhookUrl, setTelegramWebhook } from './webhook';

const TOKEN = '123456:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

describe('connecting Telegram to the gateway', () => {
  it('polls for a real bot without a public URL, and uses a webhook otherwise', () => {
    const realBot: TelegramSide = { kind: 'telegram', token: TOKEN };
    expect(ingestModeFor(loadStackConfig({ TELEGRAM_BOT_TOKEN: TOKEN }), realBot)).toBe('polling');
    expect(
      ingestModeFor(
        loadStackConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: 'https://bot.example.com' }),
        realBot,
      ),
    ).toBe('webhook');
  });

  it('adds the gateway path to a bare public origin only', () => {
    expect(publicWebhookUrl('https://bot.example.com', '/telegram/webhook')).toBe(
      'https://bot.example.com/telegram/webhook',
    );
    expect(publicWebhookUrl('https://bot.example.com/', '/hook')).toBe('https://bot.example.com/hook');
    expect(publicWebhookUrl('https://bot.example.com/custom/path', '/telegram/webhook')).toBe(
      'https://bot.example.com/custom/path',
    );
  });

  // The emulator plays api.telegram.org here: TELEGRAM_API_ROOT points a real bot's calls at it.
  it('registers the public URL and secret for a real bot, and reads its username', async () => {
    const telegram = await startEmulator({ tokens: [TOKEN], botNames: { [TOKEN]: { username: 'ada_bot' } } });
    try {
      const side = { kind: 'telegram', token: TOKEN, apiRoot: telegram.url } as const;
      await setTelegramWebhook(side, 'https://bot.example.com/telegram/webhook', 'the-secret');
      expect(telegram.webhook(TOKEN)).toMatchObject({
        url: 'https://bot.example.com/telegram/webhook',
        secretToken: 'the-secret',
      });
      expect(await botUsername(side)).toBe('ada_bot');

      telegram.failNext({ method: 'setWebhook', errorCode: 400, description: 'Bad Request: bad webhook' });
      const refused = setTelegramWebhook(side, 'https://bot.example.com/telegram/webhook', 'the-secret');
      await expect(refused).rejects.toThrow(StackError);
      await expect(refused).rejects.toThrow(/Telegram refused setWebhook .*bad webhook/);
      expect(String(await refused.catch((err: Error) => err.message))).not.toContain(TOKEN.split(':')[1]);
    } finally {
      await telegram.close();
    }
  });
});
