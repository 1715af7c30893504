import { formatLogLine, formatRecord, parsePinoLine } from './log-format';

const pinoLine = (fields: Record<string, unknown>) =>
  JSON.stringify({
    level: 30,
    time: '2025-01-02T03:04:05.678Z',
    pid: 123,
    hostname: 'box',
    name: 'gateway',
    service: 'gateway',
    ...fields,
  });

describe('log formatting', () => {
  it('turns a pino line into time, level, message and the interesting fields', () => {
    const line = formatLogLine(
      pinoLine({ msg: 'gateway listening', url: 'http://127.0.0.1:8080', mode: 'webhook' }),
    );
    expect(line).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}gateway listening url=http:\/\/127\.0\.0\.1:8080 mode=webhook$/,
    );
    expect(line).not.toMatch(/pid|hostname|service/);
  });

  it('shows levels, errors and quoted values compactly', () => {
    const line = formatLogLine(
      pinoLine({
        level: 40,
        msg: 'job failed; will be retried',
        err: { type: 'APIConnectionError', message: 'Connection error.', stack: 'Error: ...\n  at x' },
        attempts: 6,
        reason: 'two words',
      }),
    );
    expect(line).toContain(' WARN  job failed; will be retried');
    expect(line).toContain('err="APIConnectionError: Connection error."');
    expect(line).toContain('attempts=6');
    expect(line).toContain('reason="two words"');
    expect(line).not.toContain('at x');
  });

  it('cuts long values and limits the number of fields', () => {
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, i]));
    const line = formatLogLine(pinoLine({ msg: 'm', long: 'x'.repeat(200), ...many }));
    expect(line).toContain(`long=${'x'.repeat(79)}…`);
    expect(line).toContain('f4=4');
    expect(line).not.toContain('f5=');
  });

  it('leaves lines that are not pino JSON alone', () => {
    expect(formatLogLine('invalid configuration: PORT must be a TCP port')).toBe(
      'invalid configuration: PORT must be a TCP port',
    );
    expect(formatLogLine('{not json')).toBe('{not json');
    expect(formatLogLine('{"hello":"world"}')).toBe('{"hello":"world"}');
    expect(parsePinoLine('[1,2]')).toBeUndefined();
  });

  it('colors levels only when asked', () => {
    const record = { level: 50, msg: 'boom', time: Date.now() };
    expect(formatRecord(record, false)).not.toContain('\x1b[');
    expect(formatRecord(record, true)).toContain('\x1b[31mERROR');
  });
});
