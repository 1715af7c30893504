import http from 'node:http';
import { Bot, webhookCallback } from 'grammy';
import OpenAI from 'openai';

/**
 * The "usual" LLM Telegram bot, the baseline of the inline-bot benchmark: grammY's
 * `webhookCallback` on `node:http`, and each text message answered by calling the LLM (openai
 * SDK) inside the webhook request, then `sendMessage`. Telegram (here: the emulator) waits for
 * the request to end before it sends that connection the next update.
 *
 * Configured by environment: PORT, TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, TELEGRAM_WEBHOOK_SECRET,
 * OPENAI_BASE_URL, LLM_MODEL.
 */

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    console.error(`inline-bot: ${name} is required`);
    process.exit(2);
  }
  return value;
}

const token = env('TELEGRAM_BOT_TOKEN');
const bot = new Bot(token, {
  client: { apiRoot: env('TELEGRAM_API_ROOT') },
});
const openai = new OpenAI({
  baseURL: env('OPENAI_BASE_URL'),
  apiKey: 'sk-bench',
  maxRetries: 0,
  timeout: 60_000,
});
const model = env('LLM_MODEL');

bot.on('message:text', async (ctx) => {
  const completion = await openai.chat.completions.create({
    model,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: ctx.message.text },
    ],
  });
  await ctx.reply(completion.choices[0]?.message.content ?? '…');
});
bot.catch((err) => console.error('inline-bot:', err.message));

const handle = webhookCallback(bot, 'http', {
  secretToken: env('TELEGRAM_WEBHOOK_SECRET'),
  timeoutMilliseconds: 120_000,
});
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/livez') {
    res.writeHead(200).end('ok');
    return;
  }
  void handle(req, res);
});
server.keepAliveTimeout = 65_000;
// getMe once at start, as bot.start() would; webhookCallback needs the bot initialised.
void bot.init().then(() => server.listen(Number(env('PORT')), '127.0.0.1'));
const close = () => server.close(() => process.exit(0));
process.once('SIGTERM', close);
process.once('SIGINT', close);
