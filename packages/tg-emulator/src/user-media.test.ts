import { Api, type GrammyError } from 'grammy';
import { OTHER_TOKEN, TOKEN } from './__tests__/helpers';
import { jpegHeader, oggOpus, solidPng } from './__tests__/media-fixtures';
import { type Emulator, startEmulator } from './index';

describe('media from users, getFile and downloads', () => {
  let emu: Emulator;
  let api: Api;
  const download = (token: string, path: string) => fetch(`${emu.url}/file/bot${token}/${path}`);

  beforeEach(async () => {
    emu = await startEmulator({ tokens: [TOKEN, OTHER_TOKEN] });
    api = new Api(TOKEN, { apiRoot: emu.url });
  });
  afterEach(() => emu.close());

  it('delivers a photo with its PhotoSize, which getFile and the file URL give back byte for byte', async () => {
    const png = solidPng(64, 48, [200, 30, 30]);
    const update = emu.sendUserMedia({ token: TOKEN, kind: 'photo', data: png, caption: 'what is this? #q' });
    const message = update.message;
    expect(message?.photo).toEqual([
      {
        file_id: expect.stringMatching(/^AgAC[A-Za-z0-9_-]{40}$/),
        file_unique_id: expect.stringMatching(/^AQAD[A-Za-z0-9_-]{12}$/),
        width: 64,
        height: 48,
        file_size: png.length,
      },
    ]);
    expect(message?.caption).toBe('what is this? #q');
    expect(message?.caption_entities).toEqual([{ type: 'hashtag', offset: 14, length: 2 }]);
    expect(message?.text).toBeUndefined();

    const [received] = await api.getUpdates();
    expect(received?.message?.photo?.[0]?.file_id).toBe(message?.photo?.[0]?.file_id);

    const file = await api.getFile(message?.photo?.[0]?.file_id ?? '');
    expect(file).toEqual({
      file_id: message?.photo?.[0]?.file_id,
      file_unique_id: message?.photo?.[0]?.file_unique_id,
      file_size: png.length,
      file_path: 'photos/file_0.png',
    });
    const res = await download(TOKEN, file.file_path ?? '');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-length')).toBe(String(png.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
  });

  it('sends images as documents, voice notes and audio with Telegram fields', () => {
    const jpeg = jpegHeader(1280, 720);
    const doc = emu.sendUserMedia({ token: TOKEN, kind: 'document', data: jpeg, fileName: 'IMG_0001.JPG' });
    expect(doc.message?.document).toEqual({
      file_id: expect.stringMatching(/^BQAC/),
      file_unique_id: expect.any(String),
      file_name: 'IMG_0001.JPG',
      mime_type: 'image/jpeg',
      file_size: jpeg.length,
    });

    const ogg = oggOpus(3.4);
    const voice = emu.sendUserMedia({ token: TOKEN, kind: 'voice', data: ogg });
    expect(voice.message?.voice).toEqual({
      file_id: expect.stringMatching(/^AwAC/),
      file_unique_id: expect.any(String),
      duration: 3,
      mime_type: 'audio/ogg',
      file_size: ogg.length,
    });

    const spoken = emu.sendUserMedia({ token: TOKEN, kind: 'voice', speak: 'hello there' });
    expect(spoken.message?.voice).toMatchObject({ duration: 1, mime_type: 'audio/wav' });

    const audio = emu.sendUserMedia({
      token: TOKEN,
      kind: 'audio',
      data: ogg,
      duration: 201,
      title: 'Song',
      performer: 'Band',
    });
    expect(audio.message?.audio).toEqual({
      file_id: expect.stringMatching(/^CQAC/),
      file_unique_id: expect.any(String),
      duration: 201,
      performer: 'Band',
      title: 'Song',
      file_name: 'file.oga',
      mime_type: 'audio/ogg',
      file_size: ogg.length,
    });

    expect(emu.chatHistory(100001, TOKEN).map((m) => [m.text, m.media?.kind, m.media?.mimeType])).toEqual([
      ['', 'document', 'image/jpeg'],
      ['', 'voice', 'audio/ogg'],
      ['', 'voice', 'audio/wav'],
      ['', 'audio', 'audio/ogg'],
    ]);
  });

  it('refuses files that do not fit their kind', () => {
    expect(() => emu.sendUserMedia({ token: TOKEN, kind: 'photo', data: Buffer.from('%PDF-1.7') })).toThrow(
      'a photo must be a PNG, JPEG, GIF or WebP image',
    );
    expect(() => emu.sendUserMedia({ token: TOKEN, kind: 'photo', speak: 'hi' })).toThrow(
      'only voice notes and audio can speak',
    );
    expect(() => emu.sendUserMedia({ token: TOKEN, kind: 'voice' })).toThrow(
      'data (the file bytes) is required',
    );
    expect(() =>
      emu.sendUserMedia({ token: TOKEN, kind: 'voice', data: oggOpus(1), caption: 'x'.repeat(1025) }),
    ).toThrow('a caption is at most 1024 characters');
    expect(emu.chatHistory(100001, TOKEN)).toEqual([]);
  });

  it('answers getFile like Telegram: invalid, unknown, another bot’s, and files over 20 MB', async () => {
    const getFile = (fileId: string, on = api) =>
      on.getFile(fileId).then(
        () => 'ok',
        (err: GrammyError) => `${err.error_code} ${err.description}`,
      );
    expect(await getFile('bogus')).toBe('400 Bad Request: invalid file_id');
    expect(await getFile('AgACAgIAAxkBAAIBZ2VhYWFhYWFhYWFhYWFhYWFh')).toBe(
      '400 Bad Request: wrong file_id or the file is temporarily unavailable',
    );

    const photo = emu.sendUserMedia({ token: TOKEN, kind: 'photo', data: solidPng(2, 2, [0, 0, 0]) });
    const photoId = photo.message?.photo?.[0]?.file_id ?? '';
    const other = new Api(OTHER_TOKEN, { apiRoot: emu.url });
    expect(await getFile(photoId, other)).toBe(
      '400 Bad Request: wrong file_id or the file is temporarily unavailable',
    );
    // The same content sent to another bot: a new file_id, the same file_unique_id.
    const again = emu.sendUserMedia({ token: OTHER_TOKEN, kind: 'photo', data: solidPng(2, 2, [0, 0, 0]) });
    expect(again.message?.photo?.[0]?.file_id).not.toBe(photoId);
    expect(again.message?.photo?.[0]?.file_unique_id).toBe(photo.message?.photo?.[0]?.file_unique_id);

    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 7);
    const doc = emu.sendUserMedia({ token: TOKEN, kind: 'document', data: big, fileName: 'big.bin' });
    expect(doc.message?.document?.file_size).toBe(big.length);
    expect(await getFile(doc.message?.document?.file_id ?? '')).toBe('400 Bad Request: file is too big');
    const exactly = emu.sendUserMedia({ token: TOKEN, kind: 'document', data: big.subarray(1) });
    expect(await getFile(exactly.message?.document?.file_id ?? '')).toBe('ok');
  });

  it('serves downloads only on the bot’s own file paths', async () => {
    const photo = emu.sendUserMedia({ token: TOKEN, kind: 'photo', data: solidPng(2, 2, [9, 9, 9]) });
    const file = await api.getFile(photo.message?.photo?.[0]?.file_id ?? '');
    expect((await download(TOKEN, file.file_path ?? '')).status).toBe(200);
    const head = await fetch(`${emu.url}/file/bot${TOKEN}/${file.file_path}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(file.file_size));

    const missing = await download(TOKEN, 'photos/file_99.png');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
    expect((await download(OTHER_TOKEN, file.file_path ?? '')).status).toBe(404);
    expect((await download('1:unknown-token-xx', file.file_path ?? '')).status).toBe(404);
  });

  it('forgets files on reset', async () => {
    const photo = emu.sendUserMedia({ token: TOKEN, kind: 'photo', data: solidPng(2, 2, [1, 2, 3]) });
    const file = await api.getFile(photo.message?.photo?.[0]?.file_id ?? '');
    emu.reset();
    expect((await download(TOKEN, file.file_path ?? '')).status).toBe(404);
    await expect(api.getFile(file.file_id)).rejects.toThrow('wrong file_id');
  });

  describe('control API', () => {
    const control = (path: string) => `${emu.url}/_emulator${path}`;

    it('takes an uploaded file (multipart) and serves it back to the chat page', async () => {
      const png = solidPng(10, 20, [0, 128, 255]);
      const form = new FormData();
      form.set('kind', 'photo');
      form.set('token', TOKEN);
      form.set('user_id', '42');
      form.set('caption', 'my cat');
      form.set('file', new Blob([png], { type: 'image/png' }), 'cat.png');
      const res = await fetch(control('/media'), { method: 'POST', body: form });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { result: { message: { photo: Array<{ file_id: string }> } } };
      const fileId = body.result.message.photo[0]?.file_id ?? '';

      const history = emu.chatHistory(42, TOKEN);
      expect(history).toEqual([
        expect.objectContaining({
          text: '',
          caption: 'my cat',
          media: expect.objectContaining({ kind: 'photo', fileId, width: 10, height: 20 }),
        }),
      ]);

      const served = await fetch(control(`/files/${fileId}?token=${TOKEN}`));
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/png');
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
      expect((await fetch(control(`/files/AgACunknownunknownunknown?token=${TOKEN}`))).status).toBe(404);
    });

    it('takes base64 data or text to speak in JSON', async () => {
      const ogg = oggOpus(2);
      const json = async (body: unknown) => {
        const res = await fetch(control('/media'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      const voice = await json({ token: TOKEN, kind: 'voice', data: ogg.toString('base64'), duration: '2' });
      expect(voice.status).toBe(200);
      expect(voice.body).toMatchObject({
        result: { message: { voice: { duration: 2, mime_type: 'audio/ogg' } } },
      });

      const spoken = await json({ token: TOKEN, kind: 'voice', speak: 'what is the weather' });
      expect(spoken.body).toMatchObject({ result: { message: { voice: { mime_type: 'audio/wav' } } } });

      const bad = await json({ token: TOKEN, kind: 'photo', data: Buffer.from('hello').toString('base64') });
      expect(bad).toEqual({
        status: 400,
        body: {
          ok: false,
          error_code: 400,
          description: 'Bad Request: a photo must be a PNG, JPEG, GIF or WebP image',
        },
      });
      const wrongKind = await json({ token: TOKEN, kind: 'video', data: '' });
      expect(wrongKind.status).toBe(400);
      expect(String(wrongKind.body.description)).toContain('kind');
    });
  });
});
