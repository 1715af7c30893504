import OpenAI, { toFile } from 'openai';
import { clientFor, INSTANT, MODEL, simHarness } from '../__tests__/helpers';
import { synthesizeSpeech } from './tone-speech';

const harness = simHarness();

describe('POST /v1/audio/transcriptions', () => {
  it('transcribes what a voice note says, in json, text and verbose_json', async () => {
    const sim = await harness.start(INSTANT);
    const client = clientFor(sim);
    const wav = synthesizeSpeech('what is the weather in Lisbon');
    const duration = (7 + 29) * 0.04;

    const json = await client.audio.transcriptions.create({
      file: await toFile(wav, 'voice.wav'),
      model: MODEL,
    });
    expect(json).toEqual({ text: 'what is the weather in Lisbon', usage: { type: 'duration', seconds: 2 } });

    const text = await client.audio.transcriptions.create({
      file: await toFile(wav, 'voice.wav', { type: 'audio/wav' }),
      model: MODEL,
      response_format: 'text',
    });
    expect(text).toBe('what is the weather in Lisbon\n');

    const verbose = await client.audio.transcriptions.create({
      file: await toFile(wav, 'voice.wav'),
      model: MODEL,
      response_format: 'verbose_json',
      language: 'pt',
      timestamp_granularities: ['word', 'segment'],
    });
    expect(verbose).toMatchObject({
      task: 'transcribe',
      language: 'portuguese',
      text: 'what is the weather in Lisbon',
      segments: [
        { id: 0, start: 0, end: Math.round(duration * 100) / 100, text: ' what is the weather in Lisbon' },
      ],
      usage: { type: 'duration', seconds: 2 },
    });
    expect(verbose.duration).toBeCloseTo(duration, 6);
    expect(verbose.words?.map((w) => w.word)).toEqual(['what', 'is', 'the', 'weather', 'in', 'Lisbon']);
    expect(verbose.words?.at(-1)?.end).toBeCloseTo(duration, 1);

    const srt = await client.audio.transcriptions.create({
      file: await toFile(wav, 'v.wav'),
      model: MODEL,
      response_format: 'srt',
    });
    expect(srt).toBe('1\n00:00:00,000 --> 00:00:01,440\nwhat is the weather in Lisbon\n\n');
    expect(sim.stats().byPath.transcriptions).toMatchObject({ requests: 4, completed: 4 });
  });

  it('gives an empty transcript for audio it cannot hear, with its duration when known', async () => {
    const sim = await harness.start(INSTANT);
    const client = clientFor(sim);
    const silence = synthesizeSpeech('x'.repeat(50));
    silence.fill(0, 44);
    const silent = await client.audio.transcriptions.create({
      file: await toFile(silence, 'silence.wav'),
      model: MODEL,
      response_format: 'verbose_json',
    });
    expect(silent).toMatchObject({ text: '', segments: [], duration: 2.28 });
    const ogg = await client.audio.transcriptions.create({
      file: await toFile(Buffer.from('OggS and more'), 'voice.oga'),
      model: MODEL,
    });
    expect(ogg.text).toBe('');
  });

  it('refuses what OpenAI refuses', async () => {
    const sim = await harness.start(INSTANT);
    const client = clientFor(sim);
    const wav = synthesizeSpeech('hi');
    const fail = (params: OpenAI.Audio.TranscriptionCreateParamsNonStreaming) =>
      client.audio.transcriptions.create(params).then(
        () => 'ok',
        (err: InstanceType<typeof OpenAI.APIError>) =>
          `${err.status} ${err.error ? JSON.stringify(err.error) : err.message}`,
      );
    expect(await fail({ file: await toFile(wav, 'voice.txt'), model: MODEL })).toContain(
      "400 {\"message\":\"Invalid file format. Supported formats: ['flac', 'm4a'",
    );
    expect(await fail({ file: await toFile(wav, 'voice.wav'), model: 'nope' })).toMatch(
      /^404 .*model_not_found/,
    );
    expect(
      await fail({ file: await toFile(Buffer.from('RIFF....WAVEjunk'), 'voice.wav'), model: MODEL }),
    ).toContain('Audio file might be corrupted or unsupported');
    expect(
      await fail({ file: await toFile(wav.subarray(0, 44 + 3000), 'short.wav'), model: MODEL }),
    ).toContain('"code":"audio_too_short"');
    expect(
      await fail({
        file: await toFile(wav, 'voice.wav'),
        model: MODEL,
        response_format: 'diarized_json' as never,
      }),
    ).toMatch(/^400 /);
    const big = Buffer.alloc(25 * 1024 * 1024 + 1);
    expect(await fail({ file: await toFile(big, 'big.wav'), model: MODEL })).toMatch(
      /^413 .*Maximum content size limit \(26214400\)/,
    );

    // Missing fields, straight over HTTP.
    const form = new FormData();
    form.set('model', MODEL);
    const res = await fetch(`${sim.baseURL}/audio/transcriptions`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { param: 'file', code: 'missing_required_parameter' } });
  });

  it('takes faults injected for transcriptions', async () => {
    const sim = await harness.start(INSTANT);
    sim.injectFault({ status: 503, path: 'transcriptions' });
    const client = clientFor(sim);
    const file = await toFile(synthesizeSpeech('hello'), 'voice.wav');
    await expect(client.audio.transcriptions.create({ file, model: MODEL })).rejects.toBeInstanceOf(
      OpenAI.InternalServerError,
    );
    await expect(
      client.audio.transcriptions.create({
        file: await toFile(synthesizeSpeech('hello'), 'voice.wav'),
        model: MODEL,
      }),
    ).resolves.toEqual(expect.objectContaining({ text: 'hello' }));
    expect(sim.stats().errorsInjected).toBe(1);
  });
});
