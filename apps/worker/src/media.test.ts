import { loadWorkerConfig } from '@parley/config';
import { createKeyspace, queues, type UpdateJob } from '@parley/contracts';
import { acceptUpdate, createInbox } from '@parley/lanes';
import { encodePng, startLlmSim } from '@parley/llm-sim';
import { createLogger } from '@parley/logging';
import { createTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@parley/testing';
import { startEmulator, type UserMediaInput } from '@parley/tg-emulator';
import { Queue } from 'bullmq';
import { mediaTexts } from './bot/media-texts';
import { type RunningWorker, startWorker } from './worker';

const TOKEN = '1000000001:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const logger = createLogger({ name: 'media-test', level: 'silent' });
const orange = () => encodePng(64, 48, (x) => (x < 48 ? [230, 120, 20] : [255, 255, 255]));
const blue = () => encodePng(32, 32, () => [20, 40, 230]);
// Random pixels do not compress: far over the 50 kB cap set below.
const noise = () => encodePng(200, 200, () => [rand(), rand(), rand()]);
const rand = () => Math.floor(Math.random() * 256);

/** A worker between the emulator and the simulator, with its own Redis prefix. */
async function startStack(env: Record<string, string>) {
  const redis = createTestRedis();
  const prefix = uniquePrefix('media');
  const emulator = await startEmulator({ tokens: [TOKEN] });
  const sim = await startLlmSim({
    ttftMs: 0,
    tokensPerSecond: 0,
    models: ['parley-text-1', 'parley-vision-1', 'whisper-1'],
    visionModels: ['parley-vision*'],
  });
  const config = loadWorkerConfig({
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: prefix,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: emulator.url,
    OPENAI_BASE_URL: sim.baseURL,
    LLM_MODEL: 'parley-text-1',
    LLM_TIMEOUT_MS: '2000',
    LLM_MAX_RETRIES: '0',
    METRICS_PORT: '0',
    METRICS_HOST: '127.0.0.1',
    SHUTDOWN_GRACE_MS: '2000',
    UPDATE_MAX_ATTEMPTS: '3',
    ...env,
  });
  const worker: RunningWorker = await startWorker(config, logger);
  const queue = new Queue(queues.updates.name, { connection: redis, prefix });
  const keys = createKeyspace(prefix);
  const inbox = createInbox(redis, keys);
  const deliver = (update: unknown) =>
    acceptUpdate(
      { redis, keys, inbox, updatesQueue: queue },
      { botId: 'default', update: update as UpdateJob['update'], receivedAt: Date.now() },
    );
  return {
    emulator,
    sim,
    redis,
    keys,
    /** A user sends a photo, document or voice note; the update is accepted as the gateway does. */
    sends: (chatId: number, input: Omit<UserMediaInput, 'chatId' | 'userId'>) =>
      deliver(emulator.sendUserMedia({ ...input, chatId, userId: chatId } as UserMediaInput)),
    says: (chatId: number, text: string) =>
      deliver(emulator.sendUserMessage({ text, chatId, userId: chatId })),
    replies: (chatId: number) => emulator.botMessages(chatId).map((m) => m.text ?? ''),
    replyNumber: (chatId: number, n: number) =>
      waitFor(() => emulator.botMessages(chatId)[n - 1]?.text, { what: `reply ${n} in chat ${chatId}` }),
    history: async (chatId: number) => redis.lrange(keys.history('default', chatId), 0, -1),
    /** The history once the reply's turns are committed (just after the message is visible). */
    committedHistory: (chatId: number, turns: number) =>
      waitFor(
        async () => {
          const found = await redis.lrange(keys.history('default', chatId), 0, -1);
          return found.length >= turns ? found : undefined;
        },
        { what: `${turns} turns in chat ${chatId}'s history` },
      ),
    close: async () => {
      await worker.close();
      await queue.close();
      await emulator.close();
      await sim.close();
      await deleteKeysWithPrefix(redis, prefix);
      await redis.quit();
    },
  };
}

describe('photos and voice notes in a private chat', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let chat = 9100;
  beforeAll(async () => {
    stack = await startStack({
      LLM_VISION_MODEL: 'parley-vision-1',
      MEDIA_MAX_IMAGE_BYTES: '50000',
      MEDIA_MAX_AUDIO_BYTES: '60000',
      MEDIA_MAX_AUDIO_SECONDS: '120',
    });
  });
  afterAll(() => stack.close());
  afterEach(() => {
    stack.emulator.clearFaults();
    stack.sim.clearFaults();
  });

  it('describes a photo with its caption, and keeps "[photo] caption" in history, not the bytes', async () => {
    const c = chat++;
    await stack.sends(c, { kind: 'photo', data: orange(), caption: 'what is this?' });
    const answer = await stack.replyNumber(c, 1);
    expect(answer).toContain(
      'You said: "what is this?" and sent 1 image: a 64×48 PNG image whose main colour is orange',
    );
    const history = await stack.committedHistory(c, 2);
    expect(history.join('\n')).toContain('[photo] what is this?');
    expect(history.join('\n')).not.toContain('base64');

    // The next text message sees the stand-in as the previous turn.
    await stack.says(c, 'thanks');
    expect(await stack.replyNumber(c, 2)).toContain('(turn 2)');
  });

  it('answers an image sent as a document, asking the default question without a caption', async () => {
    const c = chat++;
    await stack.sends(c, { kind: 'document', data: blue(), fileName: 'scan.png' });
    const answer = await stack.replyNumber(c, 1);
    expect(answer).toContain(mediaTexts.defaultImageQuestion);
    expect(answer).toContain('32×32 PNG image whose main colour is blue');
  });

  it('never answers a photo from the cache: the same caption on another picture is looked at again', async () => {
    const c = chat++;
    await stack.sends(c, { kind: 'photo', data: orange(), caption: 'describe it' });
    expect(await stack.replyNumber(c, 1)).toContain('orange');
    await stack.says(c, '/reset');
    await stack.replyNumber(c, 2);
    await stack.sends(c, { kind: 'photo', data: blue(), caption: 'describe it' });
    expect(await stack.replyNumber(c, 3)).toContain('blue');
  });

  it('answers a photo over MEDIA_MAX_IMAGE_BYTES with the size limit, without asking the model', async () => {
    const c = chat++;
    const before = stack.sim.stats().byPath.chat.requests;
    await stack.sends(c, { kind: 'photo', data: noise(), caption: 'and this?' });
    expect(await stack.replyNumber(c, 1)).toBe(mediaTexts.tooBig(50_000));
    expect(stack.sim.stats().byPath.chat.requests).toBe(before);
    expect(await stack.history(c)).toEqual([]);
  });

  it('retries a failed getFile through the lane backoff, then answers', async () => {
    const c = chat++;
    const before = stack.emulator.calls({ method: 'getFile' }).length;
    stack.emulator.failNext({ method: 'getFile', errorCode: 502, description: 'Bad Gateway' });
    await stack.sends(c, { kind: 'photo', data: orange() });
    expect(await stack.replyNumber(c, 1)).toContain('orange');
    // The first try failed; the lane's retry fetched the file.
    expect(
      stack.emulator
        .calls({ method: 'getFile' })
        .slice(before)
        .map((call) => call.ok),
    ).toEqual([false, true]);
    expect(stack.replies(c)).toHaveLength(1);
  });

  it('transcribes a voice note, answers it like text, and shows the transcript on /transcript', async () => {
    const c = chat++;
    await stack.sends(c, { kind: 'voice', speak: 'my name is Grace Hopper' });
    const answer = await stack.replyNumber(c, 1);
    expect(answer).toContain('Nice to meet you, Grace Hopper');
    expect(answer).not.toContain('Transcript:');
    expect(await stack.committedHistory(c, 2)).toContain(
      JSON.stringify({ role: 'user', content: 'my name is Grace Hopper' }),
    );

    await stack.says(c, '/transcript');
    expect(await stack.replyNumber(c, 2)).toBe(mediaTexts.transcript('my name is Grace Hopper'));
    await stack.says(c, '/reset');
    await stack.replyNumber(c, 3);
    await stack.says(c, '/transcript');
    expect(await stack.replyNumber(c, 4)).toBe(mediaTexts.noTranscript);
  });

  it('refuses a voice note over MEDIA_MAX_AUDIO_SECONDS by its announced duration, before downloading', async () => {
    const c = chat++;
    const before = stack.emulator.calls({ method: 'getFile' }).length;
    await stack.sends(c, { kind: 'voice', speak: 'hello there', duration: 121 });
    expect(await stack.replyNumber(c, 1)).toBe(mediaTexts.tooLong(120));
    expect(stack.emulator.calls({ method: 'getFile' })).toHaveLength(before);
  });

  it('refuses a recording over MEDIA_MAX_AUDIO_BYTES without transcribing it', async () => {
    const c = chat++;
    const before = stack.sim.stats().byPath.transcriptions.requests;
    await stack.sends(c, {
      kind: 'audio',
      speak: 'tell me a long story about the sea and the ships and the sailors who go there',
    });
    expect(await stack.replyNumber(c, 1)).toBe(mediaTexts.tooBig(60_000));
    expect(stack.sim.stats().byPath.transcriptions.requests).toBe(before);
  });

  it('retries a failed transcription through the lane, and a failed answer without transcribing again', async () => {
    const c = chat++;
    const before = stack.sim.stats().byPath.transcriptions.requests;
    stack.sim.injectFault({ status: 503, path: 'transcriptions' });
    await stack.sends(c, { kind: 'voice', speak: 'my name is Ada' });
    expect(await stack.replyNumber(c, 1)).toContain('Nice to meet you, Ada');
    // One failed, one heard.
    expect(stack.sim.stats().byPath.transcriptions.requests - before).toBe(2);

    const again = stack.sim.stats().byPath.transcriptions.requests;
    stack.sim.injectFault({ status: 503, path: 'chat' });
    await stack.sends(c, { kind: 'voice', speak: 'my name is Grace' });
    expect(await stack.replyNumber(c, 2)).toContain('Grace');
    expect(stack.sim.stats().byPath.transcriptions.requests - again).toBe(1);
  });
});

describe('a model that cannot see, with SHOW_TRANSCRIPTS', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  beforeAll(async () => {
    stack = await startStack({ LLM_VISION_MODELS: 'gpt-4o*', SHOW_TRANSCRIPTS: 'true' });
  });
  afterAll(() => stack.close());

  it('says so clearly, without downloading the photo', async () => {
    await stack.sends(9200, { kind: 'photo', data: orange(), caption: 'what is this?' });
    expect(await stack.replyNumber(9200, 1)).toBe(mediaTexts.cannotSeeImages);
    expect(stack.emulator.calls({ method: 'getFile' })).toHaveLength(0);
  });

  it('starts the answer to a voice note with its transcript, which the history does not keep', async () => {
    await stack.sends(9201, { kind: 'voice', speak: 'my name is Grace Hopper' });
    const answer = await stack.replyNumber(9201, 1);
    expect(answer.startsWith(`${mediaTexts.transcript('my name is Grace Hopper')}\n\n`)).toBe(true);
    expect(answer).toContain('Nice to meet you, Grace Hopper');
    const history = (await stack.committedHistory(9201, 2)).join('\n');
    expect(history).toContain('Nice to meet you, Grace Hopper');
    expect(history).not.toContain('Transcript:');
  });
});

describe('photos and token budgets', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  beforeAll(async () => {
    stack = await startStack({ LLM_VISION_MODEL: 'parley-vision-1', USER_TOKENS_PER_DAY: '100' });
  });
  afterAll(() => stack.close());

  it("counts a photo against the user's token budget", async () => {
    await stack.sends(9300, { kind: 'photo', data: orange(), caption: 'what is this?' });
    expect(await stack.replyNumber(9300, 1)).toMatch(/^You've reached your daily usage limit/);
    expect(stack.sim.stats().byPath.chat.requests).toBe(0);
  });
});
