import { loadWorkerConfig } from '@parley/config';
import { createKeyspace, queues, type UpdateJob, updateChatId } from '@parley/contracts';
import { acceptUpdate, createInbox } from '@parley/lanes';
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
import { Queue } from 'bullmq';
import { Api } from 'grammy';
import { type RunningWorker, startWorker } from './worker';

const TOKEN = '1000000001:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const logger = createLogger({ name: 'worker-test', level: 'silent' });

describe('worker end to end with the emulator and the simulator', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('worker');
  let emulator: Emulator;
  let sim: LlmSim;
  let fallbackSim: LlmSim;
  let worker: RunningWorker;
  let queue: Queue;
  const keys = createKeyspace(prefix);
  const inbox = createInbox(redis, keys);
  const accept = (payload: UpdateJob) => acceptUpdate({ redis, keys, inbox, updatesQueue: queue }, payload);
  let nextUpdateId = 1;
  let nextChatId = 5000;

  beforeAll(async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    sim = await startLlmSim({ ttftMs: 0, tokensPerSecond: 0 });
    fallbackSim = await startLlmSim({ ttftMs: 0, tokensPerSecond: 0, models: ['backup-model'] });
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
      LLM_FALLBACKS: `backup-model@${fallbackSim.baseURL}`,
      LLM_BREAKER_FAILURES: '50',
      WORKER_CONCURRENCY: '4',
      SHUTDOWN_GRACE_MS: '2000',
      UPDATE_MAX_ATTEMPTS: '3',
      COALESCE_WINDOW_MS: '300',
    });
    worker = await startWorker(config, logger);
    queue = new Queue(queues.updates.name, { connection: redis, prefix });
  });

  afterAll(async () => {
    await worker.close();
    await queue.close();
    await emulator.close();
    await sim.close();
    await fallbackSim.close();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  afterEach(() => {
    emulator.clearFaults();
    sim.clearFaults();
    fallbackSim.clearFaults();
  });

  /** A user writes `text`; the update is accepted exactly as the gateway accepts it. */
  async function userSays(text: string, chatId: number) {
    const update = emulator.sendUserMessage({ text, chatId, userId: chatId > 0 ? chatId : 777 });
    const payload = asPayload(update);
    await accept(payload);
    return { update, payload };
  }
  const asPayload = (update: unknown): UpdateJob => ({
    botId: 'default',
    update: update as UpdateJob['update'],
    receivedAt: Date.now(),
  });
  const inboxDrained = (chatId: number) =>
    waitFor(async () => (await inbox.size('default', chatId)) === 0, {
      what: `chat ${chatId}'s inbox to drain`,
    });

  const botReplies = (chatId: number) => emulator.botMessages(chatId).map((m) => m.text);

  async function finishedJob(jobId: string) {
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
    // Both answers came at once: no "typing…" was needed.
    expect(emulator.calls({ method: 'sendChatAction', chatId: chat })).toHaveLength(0);
  });

  it('shows "typing…" while a slow answer is produced', async () => {
    const chat = nextChatId++;
    sim.configure({ ttftMs: 1_500 });
    try {
      await userSays('hello there', chat);
      await waitFor(() => botReplies(chat).length === 1, { what: 'the slow reply' });
    } finally {
      sim.configure({ ttftMs: 0 });
    }
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

  it('does not reply twice to an update that comes back after it was answered', async () => {
    const chat = nextChatId++;
    const { payload } = await userSays('hello there', chat);
    await waitFor(() => botReplies(chat).length === 1, { what: 'the reply' });
    await inboxDrained(chat);
    // Telegram re-delivers the same update later (twice): it is accepted again, and skipped.
    await accept({ ...payload, receivedAt: Date.now() });
    await accept({ ...payload, receivedAt: Date.now() });
    await inboxDrained(chat);
    await sleep(300);
    expect(botReplies(chat)).toHaveLength(1);
    const metrics = await (await fetch(`${worker.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/parley_updates_total\{kind="message",handling="duplicate"\} [1-9]/);
  });

  it('does not repeat a send that a killed attempt made but never recorded', async () => {
    const chat = nextChatId++;
    const api = new Api(TOKEN, { apiRoot: emulator.url });
    // A user message, its answer decided and sent by an attempt that died before recording it…
    const update = emulator.sendUserMessage({ text: 'are you sure?', chatId: chat });
    await api.sendMessage(chat, 'an older answer, on record');
    const ledgerKey = keys.replyLedger('default', chat, update.update_id);
    await worker.deps.ledger.decide(ledgerKey, 'Decided answer.', 'llm');
    const lost = await api.sendMessage(chat, 'Decided answer.');
    // …and a message of the bot that is on record, which must not be mistaken for it.
    await worker.deps.ledger.recordSent(keys.sentMessages('default', chat), lost.message_id - 1);
    await accept(asPayload(update));
    await inboxDrained(chat);
    expect(botReplies(chat)).toEqual(['an older answer, on record', 'Decided answer.']);
    expect(await worker.deps.ledger.read(ledgerKey)).toMatchObject({
      done: true,
      sent: 1,
      messageIds: [lost.message_id],
    });
  });

  it('sends a decided answer that a killed attempt never sent', async () => {
    const chat = nextChatId++;
    const update = emulator.sendUserMessage({ text: 'still waiting', chatId: chat });
    const ledgerKey = keys.replyLedger('default', chat, update.update_id);
    await worker.deps.ledger.decide(ledgerKey, 'Late but here.', 'llm');
    await accept(asPayload(update));
    await waitFor(() => botReplies(chat).length === 1, { what: 'the resumed answer' });
    expect(botReplies(chat)).toEqual(['Late but here.']);
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

  it('merges identical first-turn prompts in flight into one LLM call', async () => {
    const [a, b] = [nextChatId++, nextChatId++];
    const prompt = `Summarise the news of day ${nextUpdateId++} [[sim:delay=400]]`;
    const before = sim.stats().requests;
    await Promise.all([userSays(prompt, a), userSays(prompt, b)]);
    await waitFor(() => botReplies(a).length === 1 && botReplies(b).length === 1, { what: 'both answers' });
    expect(botReplies(a)[0]).toBe(botReplies(b)[0]);
    expect(sim.stats().requests - before).toBe(1);
    const metrics = await (await fetch(`${worker.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/parley_llm_single_flight_total\{result="shared"\} [1-9]/);
  });

  it('answers several messages sent in quick succession together, in one LLM call', async () => {
    const chat = nextChatId++;
    const before = sim.stats().requests;
    await userSays('first line', chat);
    await userSays('second line', chat);
    await userSays('third line', chat);
    await waitFor(() => botReplies(chat).length === 1, { what: 'the combined answer' });
    await inboxDrained(chat);
    await sleep(300);
    expect(botReplies(chat)).toHaveLength(1);
    expect(botReplies(chat)[0]).toContain('first line second line third line');
    expect(sim.stats().requests - before).toBe(1);
    // The next message sees that exchange as one earlier turn.
    await userSays('and now?', chat);
    await waitFor(() => botReplies(chat).length === 2, { what: 'the next answer' });
    expect(botReplies(chat)[1]).toContain('(turn 2)');
  });

  const plainUpdate = (chatId: number, extra: Record<string, unknown>) => ({
    update_id: 900_000 + nextUpdateId++,
    message: {
      message_id: 1,
      date: 1,
      chat: { id: chatId, type: 'private' },
      from: { id: chatId, is_bot: false, first_name: 'A' },
      ...extra,
    },
  });

  it.each([
    [
      'a sticker',
      (id: number) => plainUpdate(id, { sticker: { file_id: 'x', width: 1, height: 1, type: 'regular' } }),
    ],
    [
      'an edited message',
      (id: number) => ({
        update_id: 900_000 + nextUpdateId++,
        edited_message: { message_id: 1, date: 1, edit_date: 2, chat: { id, type: 'private' }, text: 'x' },
      }),
    ],
    [
      'a channel post',
      (id: number) => ({
        update_id: 900_000 + nextUpdateId++,
        channel_post: { message_id: 1, date: 1, chat: { id: -id, type: 'channel' }, text: 'x' },
      }),
    ],
    [
      'a group message',
      (id: number) => ({
        update_id: 900_000 + nextUpdateId++,
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
    const chat = nextChatId++;
    const update = make(chat);
    const kind = Object.keys(update).find((k) => k !== 'update_id') ?? '';
    const before = emulator.calls({ method: 'sendMessage' }).length;
    expect(await accept(asPayload(update))).toBe('lane');
    await inboxDrained(updateChatId(asPayload(update).update) ?? 0);
    expect(emulator.calls({ method: 'sendMessage' }).length).toBe(before);
    const metrics = await (await fetch(`${worker.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`parley_updates_total\\{kind="${kind}",handling="ignored"\\} [1-9]`));
  });

  it('acknowledges an update without a chat (a callback query) as a job of its own', async () => {
    const update = {
      update_id: 900_000 + nextUpdateId++,
      callback_query: {
        id: 'cb',
        from: { id: 1, is_bot: false, first_name: 'A' },
        chat_instance: 'c',
        data: 'd',
      },
    };
    expect(await accept(asPayload(update))).toBe('job');
    expect(await finishedJob(`default-u${update.update_id}`)).toBe('completed');
    expect((await queue.getJob(`default-u${update.update_id}`))?.returnvalue).toEqual({
      handling: 'ignored',
    });
  });

  it('moves an update it cannot read to the dead letters and goes on with the chat', async () => {
    const chat = nextChatId++;
    await redis.zadd(keys.inbox('default', chat), 1, '1');
    await redis.hset(keys.inboxData('default', chat), '1', '{"not":"an update"}');
    await userSays('still there?', chat);
    await waitFor(() => botReplies(chat).length === 1, { what: 'the answer after the bad update' });
    const letters = await worker.deps.deadLetters.list(50);
    expect(letters.find((l) => l.chatId === chat && l.updateId === 1)?.reason).toMatch(/cannot be read/);
  });

  it('fails a lane job whose payload is invalid at once, without retries', async () => {
    const job = await queue.add('chat-lane', { nope: true }, { jobId: 'lane-invalid-1', attempts: 5 });
    expect(await finishedJob(job.id!)).toBe('failed');
    const failed = await queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/invalid chat-lane payload/);
  });

  it('answers from the fallback backend when the primary fails', async () => {
    const chat = nextChatId++;
    sim.injectFault({ status: 500, times: 1 });
    await userSays('my name is Lin', chat);
    await waitFor(() => botReplies(chat).length === 1, { what: 'the fallback answer' });
    expect(botReplies(chat)[0]).toContain('Nice to meet you, Lin');
    expect(fallbackSim.stats().requests).toBeGreaterThanOrEqual(1);
    const metrics = await (await fetch(`${worker.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /parley_llm_requests_total\{backend="fallback-1",model="backup-model",outcome="ok"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /parley_llm_requests_total\{backend="primary",model="parley-sim-1",outcome="server_error"\} [1-9]/,
    );
  });

  it('waits out LLM rate limits on every backend without using up attempts', async () => {
    const chat = nextChatId++;
    sim.injectFault({ status: 429, times: 3, retryAfter: 1 });
    fallbackSim.injectFault({ status: 429, times: 3, retryAfter: 1 });
    await userSays('my name is Rae', chat);
    await waitFor(() => botReplies(chat).length === 1, {
      what: 'the answer after the pauses',
      timeoutMs: 20_000,
    });
    // Three rounds of 429s on a worker allowed three attempts: still a real answer, no apology.
    expect(botReplies(chat)[0]).toContain('Nice to meet you, Rae');
  }, 30_000);

  it('retries LLM failures and, on the last attempt, sends one apology instead of silence', async () => {
    const chat = nextChatId++;
    sim.injectFault({ status: 500, probability: 1 });
    fallbackSim.injectFault({ status: 503, probability: 1 });
    const before = sim.stats().requests;
    await userSays('are you there?', chat);
    await waitFor(() => botReplies(chat).length === 1, { what: 'the apology', timeoutMs: 20_000 });
    expect(botReplies(chat)[0]).toMatch(/can't answer right now/);
    // Two failed attempts, then the third (last) one apologises after one more failure.
    expect(sim.stats().requests - before).toBe(3);
    await inboxDrained(chat);
  }, 30_000);

  it('waits out a Telegram 429 and still replies exactly once', async () => {
    const chat = nextChatId++;
    emulator.failNext({ method: 'sendMessage', chatId: chat, errorCode: 429, retryAfter: 1, times: 1 });
    await userSays('hello after a flood wait', chat);
    await waitFor(() => botReplies(chat).length === 1, { what: 'reply after 429', timeoutMs: 10_000 });
    await sleep(300);
    expect(botReplies(chat)).toHaveLength(1);
  });

  it('parks the chat for a long Telegram flood wait, shared with every pod, then replies once', async () => {
    const chat = nextChatId++;
    emulator.failNext({ method: 'sendMessage', chatId: chat, errorCode: 429, retryAfter: 6, times: 1 });
    const started = Date.now();
    await userSays('hello after a long flood wait', chat);
    await waitFor(() => botReplies(chat).length === 1, { what: 'reply after the pause', timeoutMs: 15_000 });
    // Telegram was not asked again before retry_after had passed.
    const sends = emulator.calls({ method: 'sendMessage', chatId: chat });
    expect(sends).toHaveLength(2);
    expect((sends[1]?.at ?? 0) - (sends[0]?.at ?? 0)).toBeGreaterThanOrEqual(5_500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_500);
    const metrics = await (await fetch(`${worker.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/parley_worker_jobs_total\{queue="updates",outcome="delayed"\} [1-9]/);
  }, 20_000);

  it('dead-letters a reply Telegram refuses with 403, marks the chat inactive, and does not retry', async () => {
    const chat = nextChatId++;
    emulator.failNext({
      method: 'sendMessage',
      chatId: chat,
      errorCode: 403,
      description: 'Forbidden: bot was blocked by the user',
      times: 5,
    });
    const { update } = await userSays('hello?', chat);
    await inboxDrained(chat);
    expect(emulator.calls({ method: 'sendMessage', chatId: chat })).toHaveLength(1);
    const letters = await worker.deps.deadLetters.list(50);
    expect(letters.find((l) => l.updateId === update.update_id)?.reason).toMatch(/blocked by the user/);
    expect(await redis.get(keys.chatInactive('default', chat))).toBe('1');
  });

  it('sends a queued "busy" notice once, ahead of the backlog', async () => {
    const chat = nextChatId++;
    emulator.sendUserMessage({ text: 'anyone?', chatId: chat });
    const notices = new Queue(queues.notices.name, { connection: redis, prefix });
    const data = { botId: 'default', chatId: chat, updateId: 4242 };
    await notices.add('busy-notice', data, { jobId: `notice-default-${chat}-4242` });
    await waitFor(() => botReplies(chat).length === 1, { what: 'the notice' });
    expect(botReplies(chat)[0]).toMatch(/queued/);
    // The same notice again (a retried job): not sent twice.
    await notices.add('busy-notice', data, { jobId: `notice-default-${chat}-4242-again` });
    await waitFor(async () => (await notices.getJobCountByTypes('waiting', 'active')) === 0, {
      what: 'notices done',
    });
    await sleep(200);
    expect(botReplies(chat)).toHaveLength(1);
    await notices.close();
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
      'parley_llm_circuit_state',
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
