import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { scrubSecrets } from './scrub';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, destination };
}

const botToken = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('logger', () => {
  it('redacts secrets in fields, messages and errors', () => {
    const { lines, destination } = capture();
    const log = createLogger({ name: 't', destination });
    log.info(
      { token: botToken, config: { apiKey: 'sk-abcdefghijkl' } },
      `calling https://api.telegram.org/bot${botToken}/getMe`,
    );
    log.error({ err: new Error('401 Incorrect API key provided: sk-proj1234567890') }, 'failed');
    const out = lines.join('');
    expect(out).not.toContain(botToken);
    expect(out).not.toContain('sk-abcdefghijkl');
    expect(out).not.toContain('sk-proj1234567890');
    expect(out).toContain('[redacted]');
    expect(out).toContain('/bot[bot-token]/getMe');
  });

  it('keeps message text out unless enabled', () => {
    const quiet = capture();
    createLogger({ name: 't', destination: quiet.destination }).info({ text: 'my diary' }, 'message');
    expect(quiet.lines.join('')).not.toContain('my diary');
    const loud = capture();
    createLogger({ name: 't', destination: loud.destination, logMessageText: true }).info(
      { text: 'my diary' },
      'message',
    );
    expect(loud.lines.join('')).toContain('my diary');
  });

  it('scrubs credentials in connection URLs and bearer tokens', () => {
    expect(scrubSecrets('redis://default:hunter2@redis:6379')).toBe('redis://default:[redacted]@redis:6379');
    expect(scrubSecrets('Authorization: Bearer abcdefghijklmnop')).toBe('Authorization: Bearer [redacted]');
  });
});
