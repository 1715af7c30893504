import { CLI_DEFAULT_PORT, CliUsageError, parseCliArgs } from './cli-args';

describe('parseCliArgs', () => {
  it('reads every flag', () => {
    const result = parseCliArgs(
      [
        '--port',
        '9000',
        '--host',
        '0.0.0.0',
        '--model',
        'a',
        '--model',
        'b',
        '--api-key',
        'k',
        '--ttft-ms',
        '10',
        '--tokens-per-second',
        'Infinity',
        '--capacity',
        '3',
        '--max-queue',
        '7',
        '--error-rate',
        '0.1',
        '--rate-limit-rate',
        '0.2',
        '--timeout-rate',
        '0.3',
        '--seed',
        '5',
        '--embedding-dimensions',
        '64',
      ],
      {},
    );
    expect(result).toEqual({
      help: false,
      options: {
        port: 9000,
        host: '0.0.0.0',
        models: ['a', 'b'],
        apiKey: 'k',
        ttftMs: 10,
        tokensPerSecond: Number.POSITIVE_INFINITY,
        capacity: 3,
        maxQueue: 7,
        errorRate: 0.1,
        rateLimitRate: 0.2,
        timeoutRate: 0.3,
        seed: 5,
        embeddingDimensions: 64,
      },
    });
  });

  it('falls back to LLM_SIM_* variables, flags winning', () => {
    const result = parseCliArgs(['--capacity', '2'], {
      LLM_SIM_PORT: '7000',
      LLM_SIM_CAPACITY: '9',
      LLM_SIM_MODELS: 'x, y',
      LLM_SIM_API_KEY: 'secret',
    });
    expect(result).toEqual({
      help: false,
      options: { port: 7000, capacity: 2, models: ['x', 'y'], apiKey: 'secret' },
    });
  });

  it('defaults the port to 8082', () => {
    expect(parseCliArgs([], {})).toEqual({ help: false, options: { port: CLI_DEFAULT_PORT } });
    expect(CLI_DEFAULT_PORT).toBe(8082);
  });

  it.each([
    [['--port', '70000']],
    [['--port', 'abc']],
    [['--error-rate', '1.5']],
    [['--capacity', '0']],
    [['--capacity', '1.5']],
    [['--ttft-ms', '-1']],
    [['--unknown']],
    [['positional']],
  ])('rejects %j', (argv) => {
    expect(() => parseCliArgs(argv, {})).toThrow(CliUsageError);
  });

  it('rejects bad environment values too', () => {
    expect(() => parseCliArgs([], { LLM_SIM_TOKENS_PER_SECOND: 'fast' })).toThrow(/tokens-per-second/);
  });

  it('recognises --help', () => {
    expect(parseCliArgs(['-h'], {})).toEqual({ help: true });
  });
});

describe('parseCliArgs --leak-system-prompt', () => {
  it('is off unless the flag or LLM_SIM_LEAK_SYSTEM_PROMPT turns it on', () => {
    expect(parseCliArgs([], {})).toEqual({ help: false, options: { port: CLI_DEFAULT_PORT } });
    expect(parseCliArgs(['--leak-system-prompt'], {})).toMatchObject({ options: { leakSystemPrompt: true } });
    expect(parseCliArgs([], { LLM_SIM_LEAK_SYSTEM_PROMPT: 'true' })).toMatchObject({
      options: { leakSystemPrompt: true },
    });
    expect(() => parseCliArgs([], { LLM_SIM_LEAK_SYSTEM_PROMPT: 'yes' })).toThrow(CliUsageError);
  });
});
