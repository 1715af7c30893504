import { Writable } from 'node:stream';
import pino from 'pino';
import { loadPiiCorpus } from './corpus';
import { pinoRedaction } from './redact';

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

/** Logs every way a value can reach a record: message, fields, nesting, arrays, errors, bindings. */
export function logCorpus(log: pino.Logger): void {
  for (const { text, value, contextual } of loadPiiCorpus().samples) {
    log.info(text);
    log.info({ detail: text, nested: { deeper: [text, { text }] } }, 'sample');
    log.warn({ err: new Error(`failed: ${text}`) }, 'error with PII');
    log.child({ request: text }).info({ text }, 'child');
    log.info({ update: { message: { text, from: { first_name: 'Ada' } } } }, 'update');
    // A bare value is recognisable on its own unless it needs its context (see the corpus).
    if (!contextual) {
      log.info({ value, list: [value], headers: { 'x-forwarded-for': value } }, 'bare value');
      log.child({ user: value }).info({ from: { first_name: value, username: value } }, 'child');
    }
  }
}

describe('pino redaction helper', () => {
  it('a real pino logger over the PII corpus writes 0 secrets or PII', () => {
    const { lines, destination } = capture();
    const log = pino({ level: 'info', ...pinoRedaction({ logMessageText: true }) }, destination);
    logCorpus(log);
    const out = lines.join('');
    expect(lines.length).toBeGreaterThan(400);
    const leaked = loadPiiCorpus().samples.filter(
      (s) => out.includes(s.value) || out.includes(s.value.replace(/[ -]/g, '')),
    );
    expect(leaked).toEqual([]);
    // Labels show what was there; message text is kept (the flag is on) around them.
    expect(out).toContain('my email is [email], write me');
    expect(out).toContain('"type":"Error"');
  });

  it('keeps message text and names out unless enabled', () => {
    const quiet = capture();
    pino(pinoRedaction(), quiet.destination).info(
      { text: 'my diary', from: { first_name: 'Ada' } },
      'message',
    );
    expect(quiet.lines.join('')).not.toMatch(/my diary|Ada/);
    const loud = capture();
    pino(pinoRedaction({ logMessageText: true }), loud.destination).info({ text: 'my diary' }, 'message');
    expect(loud.lines.join('')).toContain('my diary');
  });

  it('does not modify the objects it is given', () => {
    const record = { token: 'abc', detail: 'mail ann@example.com', err: new Error('ann@example.com') };
    pino(pinoRedaction(), capture().destination).info(record);
    expect(record.token).toBe('abc');
    expect(record.detail).toBe('mail ann@example.com');
    expect(record.err.message).toBe('ann@example.com');
  });
});
