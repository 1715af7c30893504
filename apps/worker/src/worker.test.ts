import { loadWorkerConfig } from '@parley/config';
import { queues, type UpdateJob } from '@parley/contracts';
import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import { createLogger } from '@parley/logging';
import {
  createTestRedis,
  deleteKeysWithPrefix,
  sleep,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@parley/testing';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { type JobsOptions, Queue } from 'bullmq';
import { type RunningWorker, startWorker } from './worker';

const TOKEN = '1000000001:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const logger = createLogger({ name: 'worker-test', level: 'silent' });

describe('worker end to end with the emulator and the simulator', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('worker');
  let emulator: Emulator;
  let sim: LlmSim;
  let worker: RunningWorker;
  let queue: Queue<UpdateJob>;
  let nextUpdateId = 1;
  let nextChatId = 5000;

  beforeAll(async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    sim = await startLlmSim({ ttftMs: 0, tokensPerSecond: 0 });
    const config = loadWorkerConfig({
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: emulator.url,
      OPENAI_BASE_URL: sim.baseURL,
      LLM_MODEL: 'parley-sim-1',
      LLM_TIMEOUT_MS: '2000',
      LLM_MAX_RETRIES: '0',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      HISTORY_MAX_MESSAGES: '6',
      LLM_MAX_TOKENS: '4000',
      WORKER_CONCURRENCY: '4',
      SHUTDOWN_GRACE_MS: '2000',
    });
    worker = await startWorker(config, logger);
    queue = new Queue<UpdateJob>(queues.updates.name, {
      connection: redis,
      prefix,
      defaultJobOptions: queues.updates.defaultJobOptions,
    });
  });

  afterAll(async () => {
    await worker.close();
    await queue.close();
    await emulator.close();
    await sim.close();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  afterEach(() => {
    emulator.clearFaults();
    sim.clearFaults();
  });

  /** A user writes `text`; the update goes straight into the queue, as the gateway would put it. */
  async function userSays(text: string, chatId: number, opts: JobsOptions = {}) {
    const update = emulator.sendUserMessage({ text, chatId, userId: chatId > 0 ? chatId : 777 });
    const payload: UpdateJob = {
      botId: 'default',
      update: update as unknown as UpdateJob['update'],
      receivedAt: Date.now(),
    };
    const job = await queue.add(queues.updates.jobName, payload, {
      jobId: queues.updates.jobId(payload),
      ...opts,
    });
    return { update, job };
  }

  const botReplies = (chatId: number) => emulator.botMessages(chatId).map((m) => m.text);

  async function finished(jobId: string) {
    return waitFor(
      async () => {
        const state = await queue.getJobState(jobId);
        return state === 'completed' || state === 'failed' ? state : undefined;
      },
      { what: `job ${jobId} to finish`, timeoutMs: 15_000 },
    );
  }

  it('answers a text message once, with the LLM answer, and remembers the conversation', async () => {
    const chat = nextChatId++;
    await userSays('my name is Ada', chat);
    await waitFor(() => botReplies(chat).length === 1, { what: 'the first reply' });
    expect(botReplies(chat)[0]).toContain('Nice to meet you, Ada');

    await userSays('what is my name?', chat);
    await waitFor(() => botReplies(chat).length === 2, { what: 'the second reply' });
    expect(botReplies(chat)[1]).toContain('Your name is Ada');
    // Typing was shown while the answer was produced.
    expect(emulator.calls({ method: 'sendChatAction', chatId: chat }).length).toBeGreaterThan(0);
  });

  it('answers /start with help and /reset forgets the conversation', async () => {
    const chat = nextChatId++;
    await userSays('/start', chat);
    await waitFor(() => botReplies(chat).length === 1, { what: 'help' });
    expect(botReplies(chat)[0]).toMatch(/\/reset/);

    await userSays('my name is Grace', chat);
    await waitFor(() => botReplies(chat).length === 2, { what: 'answer' });
    await userSays('/reset', chat);
    await waitFor(() => botReplies(chat).length === 3, { what: 'reset confirmation' });
    expect(botReplies(chat)[2]).toMatch(/forgotten/);
    await userSays('what is my name?', chat);
    await waitFor(() => botReplies(chat).length === 4, { what: 'answer after reset' });
    expect(botReplies(chat)[3]).toMatch(/haven't told me your name/);
  });

  it('does not reply twice to an update that comes back after its job is gone', async () => {
    const chat = nextChatId++;
    const { update, job } = await userSays('hello there', chat);
    expect(await finished(job.id!)).toBe('completed');
    // Telegram re-delivers after the completed job was removed: a new job, same update.
    const again: UpdateJob = {
      botId: 'default',
      update: update as unknown as UpdateJob['update'],
      receivedAt: Date.now(),
    };
    const second = await queue.add(queues.updates.jobName, again, {
      jobId: `default-u${update.update_id}-again`,
    });
    expect(await finished(second.id!)).toBe('completed');
    expect(await second.getState()).toBe('completed');
    expect((await queue.getJob(second.id!))?.returnvalue).toEqual({ handling: 'duplicate' });
    expect(botReplies(chat)).toHaveLength(1);
  });

  it('serves a repeated first-turn prompt from the cache, but never a turn with history', async () => {
    const prompt = `What is the capital of Atlantis ${nextUpdateId++}?`;
    const [a, b] = [nextChatId++, nextChatId++];
    const before = sim.stats().requests;
    await userSays(prompt, a);
    await waitFor(() => botReplies(a).length === 1, { what: 'first answer' });
    await userSays(`  ${prompt.toUpperCase()} `, b);
    await waitFor(() => botReplies(b).length === 1, { what: 'cached answer' });
    expect(botReplies(b)[0]).toBe(botReplies(a)[0]);
    expect(sim.stats().requests - before).toBe(1);

    // Same words, but now with history in chat a: goes to the LLM.
    await userSays(prompt, a);
    await waitFor(() => botReplies(a).length === 2, { what: 'answer with history' });
    expect(sim.stats().requests - before).toBe(2);
    expect(botReplies(a)[1]).toContain('(turn 2)');
  });

  it.each([
    [
      'a sticker',
      {
        sticker: { file_id: 'x', width: 1, height: 1, is_animated: false, is_video: false, type: 'regular' },
      },
    ],
  ])('acknowledges %s without replying', async (_label, extra) => {
    const chat = nextChatId++;
    const update = {
      update_id: 900_000 + nextUpdateId++,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: chat, type: 'private' },
        from: { id: chat, is_bot: false, first_name: 'A' },
        ...extra,
      },
    };
    const job = await queue.add(
      'telegram-update',
      { botId: 'default', update: update as unknown as UpdateJob['update'], receivedAt: Date.now() },
      { jobId: `default-u${update.update_id}` },
    );
    expect(await finished(job.id!)).toBe('completed');
    expect((await queue.getJob(job.id!))?.returnvalue).toEqual({ handling: 'ignored' });
  });

  it.each([
    [
      'an edited message',
      (id: number) => ({
        edited_message: { message_id: 1, date: 1, edit_date: 2, chat: { id, type: 'private' }, text: 'x' },
      }),
    ],
    [
      'a callback query',
      (id: number) => ({
        callback_query: {
          id: 'cb',
          from: { id, is_bot: false, first_name: 'A' },
          chat_instance: 'c',
          data: 'd',
        },
      }),
    ],
    [
      'a channel post',
      (id: number) => ({
        channel_post: { message_id: 1, date: 1, chat: { id: -id, type: 'channel' }, text: 'x' },
      }),
    ],
    [
      'a group message',
      (id: number) => ({
        message: {
          message_id: 1,
          date: 1,
          chat: { id: -id, type: 'group' },
          from: { id, is_bot: false, first_name: 'A' },
          text: 'hi',
        },
      }),
    ],
  ])('acknowledges %s without replying and counts it', async (_label, make) => {
    const updateId = 900_000 + nextUpdateId++;
    const update = { update_id: updateId, ...make(nextChatId++) };
    const job = await queue.add(
      'telegram-update',
      { botId: 'default', update: update as unknown as UpdateJob['update'], receivedAt: Date.now() },
      { jobId: `default-u${updateId}` },
    );
    expect(await finished(job.id!)).toBe('completed');
    const metrics = await (await fetch(`${worker.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/parley_updates_total\{kind="[a-z_]+",handling="ignored"\} [1-9]/);
  });

  it('fails an invalid payload at once, without retries', async () => {
    const job = await queue.add(
      'telegram-update',
      { botId: 'default', update: { nope: true } } as unknown as UpdateJob,
      {
        jobId: 'default-invalid-1',
      },
    );
    expect(await finished(job.id!)).toBe('failed');
    const failed = await queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/invalid updates payload/);
  });

  it('retries LLM failures and, on the last attempt, sends one apology instead of silence', async () => {
    const chat = nextChatId++;
    sim.injectFault({ status: 500, probability: 1 });
    const { job } = await userSays('are you there?', chat, {
      attempts: 3,
      backoff: { type: 'fixed', delay: 50 },
    });
    expect(await finished(job.id!)).toBe('completed');
    expect(botReplies(chat)).toHaveLength(1);
    expect(botReplies(chat)[0]).toMatch(/can't answer right now/);
    // BullMQ counts the final, successful run as an attempt too: two failures, then the apology.
    expect((await queue.getJob(job.id!))?.attemptsMade).toBe(3);
  });

  it('waits out a Telegram 429 and still replies exactly once', async () => {
    const chat = nextChatId++;
    emulator.failNext({ method: 'sendMessage', chatId: chat, errorCode: 429, retryAfter: 1, times: 1 });
    await userSays('hello after a flood wait', chat);
    await waitFor(() => botReplies(chat).length === 1, { what: 'reply after 429', timeoutMs: 10_000 });
    await sleep(300);
    expect(botReplies(chat)).toHaveLength(1);
  });

  it('does not retry when the user blocked the bot', async () => {
    const chat = nextChatId++;
    emulator.failNext({
      method: 'sendMessage',
      chatId: chat,
      errorCode: 403,
      description: 'Forbidden: bot was blocked by the user',
      times: 5,
    });
    const { job } = await userSays('hello?', chat);
    expect(await finished(job.id!)).toBe('failed');
    const failed = await queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/blocked by the user/);
  });

  it('splits an answer longer than 4096 characters into several messages', async () => {
    const chat = nextChatId++;
    await userSays('tell me everything [[sim:tokens=2500]]', chat);
    await waitFor(() => botReplies(chat).length >= 2, { what: 'split reply' });
    for (const text of botReplies(chat)) expect((text ?? '').length).toBeLessThanOrEqual(4096);
  });

  it('exposes the metrics an operator needs', async () => {
    const text = await (await fetch(`${worker.metricsUrl}/metrics`)).text();
    for (const name of [
      'parley_worker_jobs_total{queue="updates",outcome="completed"}',
      'parley_worker_jobs_total{queue="updates",outcome="failed"}',
      'parley_worker_job_wait_seconds_bucket',
      'parley_llm_request_duration_seconds_bucket',
      'parley_llm_tokens_total{model="parley-sim-1",type="completion"}',
      'parley_response_cache_requests_total{result="hit"}',
      'parley_response_cache_requests_total{result="miss"}',
      'parley_telegram_api_calls_total{method="sendMessage",outcome="ok"}',
      'parley_telegram_api_calls_total{method="sendMessage",outcome="error_429"}',
      'parley_update_reply_latency_seconds_bucket',
      'parley_queue_jobs{queue="updates",state="waiting"}',
    ]) {
      expect(text).toContain(name);
    }
    expect((await fetch(`${worker.metricsUrl}/readyz`)).status).toBe(200);
  });
});
