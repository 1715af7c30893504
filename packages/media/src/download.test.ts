import { encodePng } from '@parley/llm-sim';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { Api, GrammyError } from 'grammy';
import { startFakeBotApi } from './__tests__/fake-bot-api';
import { downloadTelegramFile } from './download';
import { MediaError } from './errors';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

/** The error a promise rejects with (failing the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<MediaError> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(outcome instanceof MediaError)) throw new Error(`expected a MediaError, got ${String(outcome)}`);
  expect(outcome.message).not.toContain(TOKEN.split(':')[1]);
  return outcome;
}

describe('downloadTelegramFile', () => {
  let emu: Emulator;
  let api: Api;
  beforeEach(async () => {
    emu = await startEmulator({ tokens: [TOKEN] });
    api = new Api(TOKEN, { apiRoot: emu.url });
  });
  afterEach(() => emu.close());

  it('downloads a photo through getFile and the file URL', async () => {
    const png = encodePng(32, 16, () => [10, 200, 10]);
    const update = emu.sendUserMedia({ kind: 'photo', data: png });
    const photo = update.message?.photo?.at(-1);
    const file = await downloadTelegramFile(api, photo?.file_id ?? '', { knownSize: photo?.file_size });
    expect(file.bytes.equals(png)).toBe(true);
    expect(file.filePath).toBe('photos/file_0.png');
    expect(file.fileUniqueId).toBe(photo?.file_unique_id);
    expect(emu.calls({ method: 'getFile' })).toHaveLength(1);
  });

  it('refuses a file over the cap before calling Telegram when the update gave its size', async () => {
    const update = emu.sendUserMedia({ kind: 'document', data: Buffer.alloc(5000, 1) });
    const doc = update.message?.document;
    const err = await failure(
      downloadTelegramFile(api, doc?.file_id ?? '', { knownSize: doc?.file_size, maxBytes: 1000 }),
    );
    expect(err).toMatchObject({ code: 'too_big', retryable: false });
    expect(emu.calls({ method: 'getFile' })).toHaveLength(0);
  });

  it('refuses on getFile’s file_size without downloading', async () => {
    const update = emu.sendUserMedia({ kind: 'document', data: Buffer.alloc(5000, 1) });
    let downloads = 0;
    const counting: typeof fetch = (input, init) => {
      downloads++;
      return fetch(input, init);
    };
    const err = await failure(
      downloadTelegramFile(api, update.message?.document?.file_id ?? '', { maxBytes: 1000, fetch: counting }),
    );
    expect(err.code).toBe('too_big');
    expect(emu.calls({ method: 'getFile' })).toHaveLength(1);
    expect(downloads).toBe(0);
  });

  it('turns Telegram’s 20 MB limit into too_big', async () => {
    const update = emu.sendUserMedia({ kind: 'document', data: Buffer.alloc(20 * 1024 * 1024 + 1) });
    const err = await failure(downloadTelegramFile(api, update.message?.document?.file_id ?? ''));
    expect(err.code).toBe('too_big');
    expect(err.cause).toBeInstanceOf(GrammyError);
  });

  it('turns unknown and invalid file ids into not_found', async () => {
    expect((await failure(downloadTelegramFile(api, 'nope'))).code).toBe('not_found');
    expect((await failure(downloadTelegramFile(api, 'AgACAgIAAxkBAAIBZ2VhYWFhYWFhYWFh'))).code).toBe(
      'not_found',
    );
  });

  it('leaves other Bot API errors to the caller’s Telegram error handling', async () => {
    const update = emu.sendUserMedia({ kind: 'photo', data: encodePng(2, 2, () => [0, 0, 0]) });
    emu.failNext({ method: 'getFile', errorCode: 429, retryAfter: 3 });
    const outcome = downloadTelegramFile(api, update.message?.photo?.[0]?.file_id ?? '');
    await expect(outcome).rejects.toBeInstanceOf(GrammyError);
    await expect(outcome).rejects.toMatchObject({ error_code: 429, parameters: { retry_after: 3 } });
  });

  describe('against a Bot API that misbehaves', () => {
    const servers: Array<{ close(): Promise<void> }> = [];
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((s) => s.close()));
    });
    const fake = async (file: Parameters<typeof startFakeBotApi>[0]) => {
      const server = await startFakeBotApi(file);
      servers.push(server);
      return new Api(TOKEN, { apiRoot: server.url });
    };

    it('stops a download that grows past the cap, announced or not', async () => {
      const unannounced = await fake({ announcedSize: 10, body: Buffer.alloc(64 * 1024, 2) });
      const err = await failure(downloadTelegramFile(unannounced, 'x', { maxBytes: 8 * 1024 }));
      expect(err.code).toBe('too_big');
      expect(err.message).toContain('kept coming');

      const announced = await fake({ body: Buffer.alloc(64 * 1024, 2), contentLength: true });
      expect((await failure(downloadTelegramFile(announced, 'x', { maxBytes: 8 * 1024 }))).code).toBe(
        'too_big',
      );

      const fits = await fake({ body: Buffer.alloc(8 * 1024, 2) });
      expect((await downloadTelegramFile(fits, 'x', { maxBytes: 8 * 1024 })).bytes.length).toBe(8 * 1024);
    });

    it('tells expired links, server errors and refusals apart', async () => {
      const gone = await fake({ status: 404, body: Buffer.from('{"ok":false}') });
      expect(await failure(downloadTelegramFile(gone, 'x'))).toMatchObject({
        code: 'not_found',
        retryable: false,
      });
      const broken = await fake({ status: 502, body: Buffer.from('bad gateway') });
      expect(await failure(downloadTelegramFile(broken, 'x'))).toMatchObject({
        code: 'download_failed',
        retryable: true,
      });
      const refused = await fake({ status: 403, body: Buffer.from('forbidden') });
      expect(await failure(downloadTelegramFile(refused, 'x'))).toMatchObject({
        code: 'download_failed',
        retryable: false,
      });
    });

    it('reports a network failure as retryable, without the URL', async () => {
      const api = await fake({ body: Buffer.alloc(10) });
      // getFile answers; the file host (nothing listens on port 9) does not.
      const err = await failure(downloadTelegramFile(api, 'x', { apiRoot: 'http://127.0.0.1:9' }));
      expect(err).toMatchObject({ code: 'download_failed', retryable: true });
    });
  });
});
