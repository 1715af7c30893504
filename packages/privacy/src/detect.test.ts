import { loadPiiCorpus } from './corpus';
import { detectPii } from './detect';
import { luhnValid } from './detectors/card';
import { ibanValid } from './detectors/iban';
import { redactText } from './redact';

const corpus = loadPiiCorpus();

describe('PII detection over the corpus', () => {
  it('has a corpus of real-shaped test data', () => {
    expect(corpus.samples.length).toBeGreaterThanOrEqual(80);
    for (const s of corpus.samples) {
      expect(s.text).toContain(s.value);
      if (s.kind === 'card') expect(luhnValid(s.value.replace(/\D/g, ''))).toBe(true);
      if (s.kind === 'iban') expect(ibanValid(s.value.replace(/ /g, ''))).toBe(true);
    }
  });

  it.each(corpus.samples.map((s) => [s.kind, s.value, s] as const))(
    'finds %s %s',
    (_kind, _value, sample) => {
      const found = detectPii(sample.text);
      expect(found).toContainEqual(expect.objectContaining({ kind: sample.kind, value: sample.value }));
      expect(redactText(sample.text)).not.toContain(sample.value);
    },
  );

  it('leaves the benign strings of logs alone', () => {
    for (const text of corpus.benign) expect([text, redactText(text)]).toEqual([text, text]);
  });

  it('rejects look-alikes: failed Luhn, failed mod-97, times, dates', () => {
    expect(detectPii('card 4111 1111 1111 1112')).toEqual([]);
    expect(detectPii('iban DE89370400440532013001')).toEqual([]);
    expect(detectPii('at 12:30:45 on 2024-06-01')).toEqual([]);
    expect(detectPii('loopback ::1 and 127.0.0.1')).toEqual([]);
  });

  it('prefers the more specific kind when candidates overlap', () => {
    const [card] = detectPii('pay with 4111 1111 1111 1111 now');
    expect(card).toMatchObject({ kind: 'card', value: '4111 1111 1111 1111' });
    const url = 'https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage';
    expect(detectPii(url).map((m) => m.kind)).toEqual(['bot_token']);
  });

  it('keeps the readable part of credentials', () => {
    expect(redactText('redis://default:hunter2@redis:6379')).toBe('redis://default:[redacted]@redis:6379');
    expect(redactText('Authorization: Bearer abcdefghijklmnop')).toBe('Authorization: Bearer [redacted]');
    expect(redactText('GET /bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe')).toBe(
      'GET /bot[bot-token]/getMe',
    );
  });
});
