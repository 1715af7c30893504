import { loadWorkerConfig } from './worker';

const base = {
  TELEGRAM_BOT_TOKEN: '1000000001:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
};

describe('worker streaming variables', () => {
  it('streams by default, one draft per second at most', () => {
    expect(loadWorkerConfig(base).streaming).toEqual({ enabled: true, draftIntervalMs: 1_000 });
  });

  it('parses both variables', () => {
    const { streaming } = loadWorkerConfig({
      ...base,
      STREAMING_ENABLED: 'false',
      STREAM_DRAFT_INTERVAL_MS: '300',
    });
    expect(streaming).toEqual({ enabled: false, draftIntervalMs: 300 });
  });

  it('rejects an interval below 100 ms with one line naming the variable', () => {
    expect(() => loadWorkerConfig({ ...base, STREAM_DRAFT_INTERVAL_MS: '50' })).toThrow(
      /STREAM_DRAFT_INTERVAL_MS must be milliseconds between 100 and 10000/,
    );
    expect(() => loadWorkerConfig({ ...base, STREAMING_ENABLED: 'maybe' })).toThrow(
      /STREAMING_ENABLED must be true or false/,
    );
  });
});
