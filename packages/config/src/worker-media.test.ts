import { ConfigError } from './errors';
import { loadWorkerConfig } from './worker';

const base = {
  TELEGRAM_BOT_TOKEN: '1000000001:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
};

describe('worker media variables', () => {
  it('defaults: no model sees images, 10 MiB images, whisper-1 up to 300 s, transcripts on request', () => {
    expect(loadWorkerConfig(base).media).toEqual({
      visionModels: [],
      maxImageBytes: 10 << 20,
      transcriptionModel: 'whisper-1',
      maxAudioBytes: 20 << 20,
      maxAudioSeconds: 300,
      showTranscripts: false,
    });
  });

  it('parses the vision list, a separate vision model and the caps', () => {
    const { media } = loadWorkerConfig({
      ...base,
      LLM_VISION_MODELS: 'gpt-4o*, *vision* ,',
      LLM_VISION_MODEL: 'gpt-4o',
      MEDIA_MAX_IMAGE_BYTES: '1000',
      MEDIA_MAX_AUDIO_SECONDS: '60',
      SHOW_TRANSCRIPTS: 'true',
    });
    expect(media).toMatchObject({
      visionModels: ['gpt-4o*', '*vision*'],
      visionModel: 'gpt-4o',
      maxImageBytes: 1000,
      maxAudioSeconds: 60,
      showTranscripts: true,
    });
  });

  it('names each bad variable', () => {
    expect(() =>
      loadWorkerConfig({ ...base, MEDIA_MAX_IMAGE_BYTES: '0', MEDIA_MAX_AUDIO_SECONDS: 'x' }),
    ).toThrow(ConfigError);
    try {
      loadWorkerConfig({ ...base, MEDIA_MAX_IMAGE_BYTES: '0', MEDIA_MAX_AUDIO_SECONDS: 'x' });
    } catch (err) {
      expect(String(err)).toContain('MEDIA_MAX_IMAGE_BYTES');
      expect(String(err)).toContain('MEDIA_MAX_AUDIO_SECONDS');
    }
  });
});
