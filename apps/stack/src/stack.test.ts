import { createTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@parley/testing';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import type { StackOutput } from './output';
import { type RunningStack, runStack } from './run-stack';
import { loadStackConfig } from './stack-config';

/**
 * The whole stack in earnest: real gateway and worker processes (their builds), the emulator
 * and simulator in this process, and the Redis of the test run under a key prefix of its own.
 */

const prefix = uniquePrefix('stack');
const redis = createTestRedis();
const output: string[] = [];
const out: StackOutput = { write: (line) => output.push(line), color: false };

/** The variables of every stack in this file; the developer's own shell must not leak in. */
function stackEnv(): Record<string, string> {
  return {
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: prefix,
    TELEGRAM_BOT_TOKEN: '',
    TELEGRAM_WEBHOOK_URL: '',
    TELEGRAM_WEBHOOK_SECRET: '',
    TELEGRAM_API_ROOT: '',
    OPENAI_API_KEY: '',
    OPENAI_BASE_URL: '',
    LLM_MODEL: '',
    INGEST_MODE: '',
    STACK_FROM_SOURCE: '',
    STACK_GATEWAY_PORT: '0',
    STACK_EMULATOR_PORT: '0',
    STACK_LLM_SIM_PORT: '0',
    STACK_WORKER_METRICS_PORT: '0',
    STACK_WORKERS: '2',
    STACK_LLM_SIM_TTFT_MS: '0',
    STACK_LLM_SIM_TOKENS_PER_SECOND: '0',
    LOG_LEVEL: 'warn',
  };
}

function stackConfig() {
  return loadStackConfig({ ...process.env, ...stackEnv() }, { restartDelayMs: 200 });
}

/** Adds the stack's output to a failure, which is where the reason usually is. */
async function explained<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    (err as Error).message += `\n--- stack output ---\n${output.slice(-60).join('\n')}`;
    throw err;
  }
}

function botTexts(emulator: Emulator, chatId: number): string[] {
  return emulator.botMessages(chatId).map((m) => m.text);
}

/** A user writes; resolves with the bot's next message in that chat. */
async function chat(emulator: Emulator, userId: number, text: string): Promise<string> {
  const before = botTexts(emulator, userId).length;
  emulator.sendUserMessage({ text, userId, firstName: 'Ada' });
  return explained(
    waitFor(() => botTexts(emulator, userId)[before], { timeoutMs: 20_000, what: `a reply to "${text}"` }),
  );
}

afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

const settle = (ms = 1_500) => new Promise((r) => setTimeout(r, ms));

async function postWebhook(stack: RunningStack, body: string, secret = stack.webhookSecret) {
  const res = await fetch(stack.urls.webhook, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** The gateway's count of webhook requests with this outcome (accepted, unauthorized, bad_request...). */
async function webhookRequests(stack: RunningStack, outcome: string): Promise<number> {
  const text = await (await fetch(stack.urls.gatewayMetrics)).text();
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith('parley_gateway_webhook_requests_total{') && l.includes(`outcome="${outcome}"`),
    );
  return Number(line?.split(' ').at(-1) ?? 0);
}

describe('the local stack', () => {
  let stack: RunningStack;
  let emulator: Emulator;

  beforeAll(async () => {
    stack = await explained(runStack(stackConfig(), out));
    if (!stack.emulator) throw new Error('expected the emulator to be started');
    emulator = stack.emulator;
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('announces itself with the URLs it uses', () => {
    expect(output).toContain('Parley is running.');
    expect(output).toContain(`  Gateway webhook:     ${stack.urls.webhook}`);
    expect(output.some((l) => l.includes(`(model parley-sim-1)`) && l.includes(stack.urls.llm))).toBe(true);
    expect(stack.urls.workerMetrics).toHaveLength(2);
    expect(stack.children.map((c) => c.name)).toEqual(['gateway', 'worker-1', 'worker-2']);
    expect(emulator.webhook()?.url).toBe(stack.urls.webhook);
    expect(emulator.webhook()?.secretToken).toBe(stack.webhookSecret);
    expect(stack.webhookSecret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(stack.botToken).toMatch(/^1000000001:[A-Za-z0-9_-]{35}$/);
  });

  it('answers once, remembers through Redis, and forgets on /reset', async () => {
    const user = 200_001;
    expect(await chat(emulator, user, 'my name is Ada')).toContain('Nice to meet you, Ada!');
    await settle();
    expect(botTexts(emulator, user)).toHaveLength(1);

    expect(await chat(emulator, user, 'what is my name?')).toContain('Your name is Ada');
    expect(await chat(emulator, user, '/reset')).toContain('forgotten our conversation');
    expect(await chat(emulator, user, 'what is my name?')).toContain("haven't told me");
  }, 60_000);

  it('replies once to an update delivered again', async () => {
    const user = 200_002;
    const before = botTexts(emulator, user).length;
    const update = emulator.sendUserMessage({ text: 'hello there', userId: user });
    await explained(waitFor(() => botTexts(emulator, user).length > before, { what: 'the first reply' }));
    const accepted = await webhookRequests(stack, 'accepted');

    emulator.redeliver(update.update_id);
    for (let i = 0; i < 3; i++) expect(await postWebhook(stack, JSON.stringify(update))).toBe(200);

    // The gateway took all four deliveries...
    await waitFor(async () => (await webhookRequests(stack, 'accepted')) >= accepted + 4, {
      what: 'the re-deliveries',
    });
    await settle();
    // ...and the bot still said one thing.
    expect(botTexts(emulator, user)).toHaveLength(before + 1);
  }, 60_000);

  it('refuses a wrong secret (nothing stored, nothing said) and malformed bodies', async () => {
    const user = 200_003;
    await chat(emulator, user, 'hi'); // the chat exists, so a reply would be possible
    const replies = botTexts(emulator, user).length;
    const accepted = await webhookRequests(stack, 'accepted');
    const unauthorized = await webhookRequests(stack, 'unauthorized');
    const forged = {
      update_id: 7,
      message: {
        message_id: 99,
        date: Math.floor(Date.now() / 1000),
        chat: { id: user, type: 'private', first_name: 'Ada' },
        from: { id: user, is_bot: false, first_name: 'Ada' },
        text: 'my name is Mallory',
      },
    };
    expect(await postWebhook(stack, JSON.stringify(forged), 'wrong-secret')).toBe(401);
    expect(await postWebhook(stack, 'this is not json')).toBe(400);
    expect(await postWebhook(stack, JSON.stringify({ hello: 'world' }))).toBe(400);
    await settle();
    expect(await webhookRequests(stack, 'unauthorized')).toBe(unauthorized + 1);
    expect(await webhookRequests(stack, 'accepted')).toBe(accepted);
    expect(botTexts(emulator, user)).toHaveLength(replies);

    // The same update with the right secret does get through: the refusal was the secret's doing.
    expect(await postWebhook(stack, JSON.stringify(forged))).toBe(200);
    await explained(
      waitFor(() => botTexts(emulator, user)[replies]?.includes('Mallory'), { what: 'the reply to it' }),
    );
  }, 60_000);

  it('restarts a gateway that dies, and the bot answers again', async () => {
    const gateway = stack.children.find((c) => c.name === 'gateway');
    const pid = gateway?.pid;
    if (!gateway || pid === undefined) throw new Error('no gateway process');
    process.kill(pid, 'SIGKILL');
    await explained(
      waitFor(
        () => output.some((l) => /^\[gateway\] +was killed by SIGKILL; restarting in 0\.2 s$/.test(l)),
        {
          what: 'the crash to be noticed',
        },
      ),
    );
    await explained(
      waitFor(async () => gateway.pid !== pid && (await fetch(stack.urls.gatewayReady)).status === 200, {
        timeoutMs: 20_000,
        what: 'the new gateway to be ready',
      }),
    );
    expect(await chat(emulator, 200_004, 'my name is Grace')).toContain('Grace');
  }, 60_000);
});

describe('the local stack, started again on the same Redis', () => {
  it('answers the first messages of the new run (update ids do not start over)', async () => {
    const user = 200_005;
    const first = await explained(runStack({ ...stackConfig(), workers: 1 }, out));
    try {
      if (!first.emulator) throw new Error('expected the emulator');
      expect(await chat(first.emulator, user, 'my name is Ada')).toContain('Ada');
    } finally {
      await first.stop();
    }
    expect(await first.finished).toBe(0);

    const second = await explained(runStack({ ...stackConfig(), workers: 1 }, out));
    try {
      if (!second.emulator) throw new Error('expected the emulator');
      expect(await chat(second.emulator, user, 'what is my name?')).toContain('Your name is Ada');
    } finally {
      await second.stop();
    }
  }, 90_000);
});

describe('the local stack with a real bot token and no public URL', () => {
  // An emulator stands in for api.telegram.org (TELEGRAM_API_ROOT), so the stack treats the bot as real.
  const token = '4242424242:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC';

  it('long-polls Telegram through the gateway and answers', async () => {
    const telegram = await startEmulator({ tokens: [token], botNames: { [token]: { username: 'ada_bot' } } });
    try {
      const config = loadStackConfig({
        ...process.env,
        ...stackEnv(),
        TELEGRAM_BOT_TOKEN: token,
        TELEGRAM_API_ROOT: telegram.url,
        STACK_WORKERS: '1',
      });
      const stack = await explained(runStack(config, out));
      try {
        expect(stack.emulator).toBeUndefined();
        expect(output).toContain('  Chat with the bot:   https://t.me/ada_bot');
        expect(output).toContain('  Telegram updates:    long polling (no TELEGRAM_WEBHOOK_URL)');
        const before = telegram.botMessages(200_006).length;
        telegram.sendUserMessage({ text: 'my name is Ada', userId: 200_006 });
        const reply = await explained(
          waitFor(() => telegram.botMessages(200_006)[before]?.text, {
            timeoutMs: 20_000,
            what: 'the reply',
          }),
        );
        expect(reply).toContain('Nice to meet you, Ada!');
        expect(telegram.webhook(token)).toBeUndefined();
      } finally {
        await stack.stop();
      }
    } finally {
      await telegram.close();
    }
  }, 60_000);
});

describe('the local stack, when a child keeps dying', () => {
  it('stops everything and finishes with exit code 1 once the restart budget is spent', async () => {
    const config = loadStackConfig(
      { ...process.env, ...stackEnv(), STACK_WORKERS: '1' },
      { restartDelayMs: 100, maxRestartsPerMinute: 0 },
    );
    const stack = await explained(runStack(config, out));
    const worker = stack.children.find((c) => c.name === 'worker-1');
    if (worker?.pid === undefined) throw new Error('no worker process');
    process.kill(worker.pid, 'SIGKILL');

    expect(await stack.finished).toBe(1);
    expect(output).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\[worker-1\] +was killed by SIGKILL; it was restarted 0 times within a minute/,
        ),
        expect.stringMatching(/^\[stack\] +stopping the stack: worker-1 keeps exiting/),
        expect.stringMatching(/^\[gateway\] +stopped \(exited with code 0\)$/),
      ]),
    );
    for (const url of [stack.urls.gatewayReady, stack.urls.emulator ?? '', stack.urls.llm]) {
      await expect(fetch(url, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    }
  }, 60_000);
});
