import { deriveCanary } from '@parley/safety';
import { sleep, waitFor } from '@parley/testing';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { Api } from 'grammy';
import { startDraftStream } from './draft-stream';

const TOKEN = '1000000005:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

describe('draft stream', () => {
  let emulator: Emulator;
  let api: Api;
  beforeAll(async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    api = new Api(TOKEN, { apiRoot: emulator.url });
  });
  afterAll(() => emulator.close());

  const draftTexts = (chatId: number) =>
    emulator
      .calls({ method: 'sendMessageDraft', chatId })
      .filter((c) => c.ok)
      .map((c) => String((c.params as { text?: unknown }).text));

  it('shows the newest text, starts over when the answer does, and sends nothing after stop', async () => {
    const chatId = 9101;
    emulator.sendUserMessage({ text: 'hi', chatId, userId: chatId });
    // With a canary, the last 64 characters are held back until more text follows.
    const canary = deriveCanary('a-secret-of-at-least-16-characters');
    const stream = startDraftStream({ api, chatId, draftId: 1, intervalMs: 100, canary });
    const first = `The first backend ${'a'.repeat(100)}`;
    const second = `Another answer ${'b'.repeat(100)}`;
    stream.update(first);
    await waitFor(() => draftTexts(chatId).length === 1, { what: 'the first draft' });
    // A fallback backend starts its answer over: its text is checked and shown from the start.
    stream.update(second);
    await waitFor(() => draftTexts(chatId).length === 2, { what: 'the second draft' });
    expect(draftTexts(chatId)).toEqual([first.slice(0, -64), second.slice(0, -64)]);
    await stream.stop();
    stream.update(`${second} and more text`);
    await sleep(250);
    expect(draftTexts(chatId)).toHaveLength(2);
  });

  it('sends Markdown as entities in drafts', async () => {
    const chatId = 9102;
    emulator.sendUserMessage({ text: 'hi', chatId, userId: chatId });
    const stream = startDraftStream({ api, chatId, draftId: 2, intervalMs: 100 });
    stream.update('some **bold** text');
    await waitFor(() => draftTexts(chatId).length === 1, { what: 'the draft' });
    const [call] = emulator.calls({ method: 'sendMessageDraft', chatId });
    expect(call?.params).toMatchObject({ text: 'some bold text' });
    expect(JSON.stringify((call?.params as { entities?: unknown } | undefined)?.entities)).toContain('bold');
    await stream.stop();
  });

  it('gives up drafting on a refusal it cannot wait out, without throwing', async () => {
    const chatId = 9103;
    emulator.sendUserMessage({ text: 'hi', chatId, userId: chatId });
    emulator.failNext({
      method: 'sendMessageDraft',
      chatId,
      errorCode: 400,
      description: 'Bad Request: nope',
    });
    const stream = startDraftStream({ api, chatId, draftId: 3, intervalMs: 100 });
    stream.update('first');
    await waitFor(() => emulator.calls({ method: 'sendMessageDraft', chatId }).length === 1, {
      what: 'the call',
    });
    await sleep(50);
    stream.update('first and more');
    await sleep(250);
    expect(emulator.calls({ method: 'sendMessageDraft', chatId })).toHaveLength(1);
    await stream.stop();
  });
});
