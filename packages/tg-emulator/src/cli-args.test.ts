import { parseCliArgs } from './cli-args';

describe('parseCliArgs', () => {
  const TOKEN = '123:AAAAAAAAAAAAAAAA';

  it('uses defaults and environment fallbacks', () => {
    expect(parseCliArgs([], {})).toEqual({
      kind: 'run',
      config: { port: 8081, host: '127.0.0.1', tokens: [], quiet: false },
    });
    expect(
      parseCliArgs([], {
        TG_EMULATOR_PORT: '9000',
        TG_EMULATOR_HOST: '0.0.0.0',
        TG_EMULATOR_TOKENS: ` ${TOKEN}, 456:BBBBBBBBBBBB `,
      }),
    ).toEqual({
      kind: 'run',
      config: { port: 9000, host: '0.0.0.0', tokens: [TOKEN, '456:BBBBBBBBBBBB'], quiet: false },
    });
  });

  it('prefers flags over the environment and repeats --token', () => {
    const result = parseCliArgs(
      [
        '--port',
        '0',
        '--token',
        TOKEN,
        '--token',
        '456:BBBBBBBBBBBB',
        '--webhook-retry-ms',
        '250',
        '--webhook-timeout-ms',
        '5000',
      ],
      { TG_EMULATOR_PORT: '9000', TG_EMULATOR_TOKENS: '789:CCCCCCCCCCCC' },
    );
    expect(result).toEqual({
      kind: 'run',
      config: {
        port: 0,
        host: '127.0.0.1',
        tokens: [TOKEN, '456:BBBBBBBBBBBB'],
        webhookRetryDelayMs: 250,
        webhookTimeoutMs: 5000,
        quiet: false,
      },
    });
  });

  it('reports bad arguments as one-line errors', () => {
    const errors = [
      parseCliArgs(['--port', 'http'], {}),
      parseCliArgs(['--port', '70000'], {}),
      parseCliArgs(['--token', 'nope'], {}),
      parseCliArgs(['--webhook-retry-ms', '-1'], {}),
      parseCliArgs(['--bogus'], {}),
      parseCliArgs(['stray'], {}),
    ];
    for (const result of errors) {
      expect(result.kind).toBe('error');
      if (result.kind === 'error') expect(result.message).not.toContain('\n');
    }
    expect(errors[0]).toEqual({ kind: 'error', message: '--port must be an integer, got "http"' });
  });

  it('prints help', () => {
    const result = parseCliArgs(['--help'], {});
    expect(result.kind).toBe('help');
    if (result.kind === 'help') expect(result.text).toContain('--webhook-retry-ms');
  });
});

describe('parseCliArgs --flood-limits', () => {
  it('turns Telegram flood limits on from the flag or the environment', () => {
    expect(parseCliArgs(['--flood-limits'], {})).toMatchObject({
      kind: 'run',
      config: { floodLimits: true },
    });
    expect(parseCliArgs([], { TG_EMULATOR_FLOOD_LIMITS: 'true' })).toMatchObject({
      kind: 'run',
      config: { floodLimits: true },
    });
    expect(parseCliArgs([], { TG_EMULATOR_FLOOD_LIMITS: 'maybe' })).toMatchObject({ kind: 'error' });
    expect(parseCliArgs([], {})).toMatchObject({
      kind: 'run',
      config: expect.not.objectContaining({ floodLimits: true }),
    });
  });
});
