import { DEFAULT_OPTIONS, parseCliArgs } from './cli-args';

describe('parseCliArgs', () => {
  it('uses the defaults, and ignores the "--" pnpm passes through', () => {
    expect(parseCliArgs(['--'])).toEqual({ kind: 'run', options: DEFAULT_OPTIONS });
  });

  it('reads the flags', () => {
    const r = parseCliArgs([
      '--updates',
      '5000',
      '--chats',
      '500',
      '--kill-every',
      '2-4',
      '--json',
      'out.json',
    ]);
    expect(r).toMatchObject({
      kind: 'run',
      options: { updates: 5000, chats: 500, killEveryMs: [2000, 4000], jsonFile: 'out.json' },
    });
  });

  it('turns every fault off with --no-faults', () => {
    const r = parseCliArgs(['--no-faults']);
    expect(r).toMatchObject({
      kind: 'run',
      options: {
        redeliverRate: 0,
        killEveryMs: undefined,
        redisRestarts: 0,
        llmErrorRate: 0,
        llm429Bursts: 0,
        telegram429Bursts: 0,
      },
    });
  });

  it('rejects bad values with one line', () => {
    expect(parseCliArgs(['--updates', '0'])).toEqual({
      kind: 'error',
      message: '--updates must be an integer from 1 to 200000 (got "0")',
    });
    expect(parseCliArgs(['--chats', '10', '--updates', '5'])).toMatchObject({ kind: 'error' });
    expect(parseCliArgs(['--bogus'])).toMatchObject({ kind: 'error' });
  });
});
