import { type LlmSim, startLlmSim, synthesizeSpeech } from '@parley/llm-sim';
import OpenAI from 'openai';
import { MediaError } from './errors';
import { transcribe } from './transcribe';

describe('transcribe', () => {
  let sim: LlmSim;
  let client: OpenAI;
  beforeEach(async () => {
    sim = await startLlmSim({ ttftMs: 0, tokensPerSecond: 0, models: ['parley-sim-1', 'whisper-1'] });
    client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterEach(() => sim.close());

  const code = (promise: Promise<unknown>) =>
    promise.then(
      () => 'no error',
      (err: unknown) => (err instanceof MediaError ? err.code : String(err)),
    );

  it('transcribes a voice note through /v1/audio/transcriptions', async () => {
    const wav = synthesizeSpeech('remind me to call Ana at five');
    const result = await transcribe(client, wav, { model: 'whisper-1', language: 'en' });
    expect(result.text).toBe('remind me to call Ana at five');
    expect(result.durationSeconds).toBeCloseTo((7 + 29) * 0.04, 6);
    expect(sim.stats().byPath.transcriptions.completed).toBe(1);
  });

  it('checks size, type and duration before uploading anything', async () => {
    const wav = synthesizeSpeech('hello there');
    expect(await code(transcribe(client, wav, { model: 'whisper-1', maxBytes: 100 }))).toBe('too_big');
    expect(await code(transcribe(client, Buffer.from('%PDF-1.7 ...'), { model: 'whisper-1' }))).toBe(
      'unsupported_type',
    );
    // Measured from the file…
    expect(await code(transcribe(client, wav, { model: 'whisper-1', maxDurationSeconds: 0.5 }))).toBe(
      'too_long',
    );
    // …or announced by the update, whichever is longer.
    expect(
      await code(
        transcribe(client, wav, { model: 'whisper-1', durationSeconds: 400, maxDurationSeconds: 300 }),
      ),
    ).toBe('too_long');
    expect(sim.stats().byPath.transcriptions.requests).toBe(0);
  });

  it('leaves API errors as the SDK raised them', async () => {
    const outcome = transcribe(client, synthesizeSpeech('hi'), { model: 'no-such-model' });
    await expect(outcome).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
