import { encodePng, type LlmSim, startLlmSim } from '@parley/llm-sim';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { Api } from 'grammy';
import OpenAI from 'openai';
import { downloadTelegramFile } from './download';
import { toImagePart } from './image-part';
import { transcribe } from './transcribe';
import { modelSeesImages } from './vision-models';

/**
 * A photo and a voice note go the whole way a bot takes them: a user sends them in the Telegram
 * emulator, the bot downloads them through the Bot API, and the LLM simulator looks at the image
 * or transcribes the voice note.
 */
describe('photos and voice notes from Telegram to the model', () => {
  const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
  const VISION = ['parley-vision*'];
  let emu: Emulator;
  let sim: LlmSim;
  let api: Api;
  let client: OpenAI;
  beforeEach(async () => {
    emu = await startEmulator({ tokens: [TOKEN] });
    sim = await startLlmSim({
      ttftMs: 0,
      tokensPerSecond: 0,
      models: ['parley-vision-1', 'parley-text-1', 'whisper-1'],
      visionModels: VISION,
    });
    api = new Api(TOKEN, { apiRoot: emu.url });
    client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterEach(async () => {
    await emu.close();
    await sim.close();
  });

  it('a photo gets an answer about its content from a vision model', async () => {
    const photoBytes = encodePng(64, 48, (x) => (x < 48 ? [230, 120, 20] : [255, 255, 255]));
    const update = emu.sendUserMedia({ kind: 'photo', data: photoBytes, caption: 'what is this?' });
    const message = update.message;
    const largest = message?.photo?.at(-1);

    const file = await downloadTelegramFile(api, largest?.file_id ?? '', { knownSize: largest?.file_size });
    expect(modelSeesImages('parley-vision-1', VISION)).toBe(true);
    const answer = await client.chat.completions.create({
      model: 'parley-vision-1',
      messages: [
        { role: 'user', content: [{ type: 'text', text: message?.caption ?? '' }, toImagePart(file.bytes)] },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe(
      'You said: "what is this?" and sent 1 image: a 64×48 PNG image whose main colour is orange (#e67814, 75% of the pixels). (turn 1)',
    );

    // A text-only model is told so by the helper; sent anyway, the API refuses the image.
    expect(modelSeesImages('parley-text-1', VISION)).toBe(false);
    await expect(
      client.chat.completions.create({
        model: 'parley-text-1',
        messages: [{ role: 'user', content: [toImagePart(file.bytes)] }],
      }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('a voice note is transcribed and then answered like text', async () => {
    const update = emu.sendUserMedia({ kind: 'voice', speak: 'my name is Grace Hopper' });
    const voice = update.message?.voice;
    expect(voice?.mime_type).toBe('audio/wav');

    const file = await downloadTelegramFile(api, voice?.file_id ?? '', { knownSize: voice?.file_size });
    const heard = await transcribe(client, file.bytes, {
      model: 'whisper-1',
      durationSeconds: voice?.duration,
      maxDurationSeconds: 60,
    });
    expect(heard.text).toBe('my name is Grace Hopper');

    const answer = await client.chat.completions.create({
      model: 'parley-text-1',
      messages: [{ role: 'user', content: heard.text }],
    });
    expect(answer.choices[0]?.message.content).toBe('Nice to meet you, Grace Hopper! (turn 1)');
  });
});
