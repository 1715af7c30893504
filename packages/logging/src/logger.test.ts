import { Writable } from 'node:stream';
import { loadPiiCorpus } from '@parley/privacy';
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
    createLogger({ name: 't', destination: quiet.destination }).info(
      { text: 'my diary', update: { message: { text: 'deep diary' } } },
      'message',
    );
    expect(quiet.lines.join('')).not.toMatch(/diary/);
    const loud = capture();
    createLogger({ name: 't', destination: loud.destination, logMessageText: true }).info(
      { text: 'my diary' },
      'message',
    );
    expect(loud.lines.join('')).toContain('my diary');
  });

  it('scrubs credentials in connection URLs and bearer tokens, and leaves other text alone', () => {
    expect(scrubSecrets('redis://default:hunter2@redis:6379')).toBe('redis://default:[redacted]@redis:6379');
    expect(scrubSecrets('Authorization: Bearer abcdefghijklmnop')).toBe('Authorization: Bearer [redacted]');
    expect(scrubSecrets('redis://10.0.0.5:6379')).toBe('redis://10.0.0.5:6379');
  });

  it('a run over the PII corpus, message text logging on, writes 0 PII', () => {
    const { lines, destination } = capture();
    const log = createLogger({ name: 'pii-run', destination, logMessageText: true });
    const corpus = loadPiiCorpus();
    for (const { text, value, contextual } of corpus.samples) {
      // The ways a handler logs: the message, the update, an error, a child logger per chat.
      log.info({ update: { message: { text, chat: { id: 42 } } } }, 'update received');
      log.info(`answering: ${text}`);
      log.error({ err: new Error(`telegram said: ${text}`) }, 'send failed');
      log.child({ chatId: 42, note: text }).warn({ attempt: 2, detail: text }, 'retrying');
      if (!contextual) log.info({ value, values: [value] }, 'value');
    }
    const out = lines.join('');
    expect(lines.length).toBeGreaterThan(4 * corpus.samples.length);
    const leaked = corpus.samples.filter(
      (s) => out.includes(s.value) || out.includes(s.value.replace(/[ -]/g, '')),
    );
    expect(leaked.map((s) => s.value)).toEqual([]);
    // What is not PII comes through: the benign strings, and the logger's own fields.
    for (const benign of corpus.benign) log.info({ detail: benign }, benign);
    const benignOut = lines.join('');
    for (const benign of corpus.benign) expect(benignOut).toContain(JSON.stringify(benign));
    expect(out).toContain('"service":"pii-run"');
  });
});
