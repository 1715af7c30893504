import { startEmulator } from '@parley/tg-emulator';
import { Api } from 'grammy';
import { formatForTelegram, markdownToEntities, splitFormatted } from './index';
import type { FormattedText, MessageEntity } from './types';

/**
 * Property tests: thousands of generated inputs built from the pieces that break formatters
 * (markers, unclosed fences, emoji and other surrogate pairs, nesting, brackets, escapes), each
 * checked against the rules Telegram's entities must follow. Seeded, so a failure reproduces.
 */

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '**',
  '*',
  '_',
  '__',
  '~~',
  '~',
  '`',
  '```',
  '```py\n',
  '\n```\n',
  '\n',
  '\n\n',
  ' ',
  ' ',
  'a',
  'word',
  'snake_case',
  '😀',
  '👩‍💻',
  '🇩🇪',
  'é',
  '中文',
  'ß',
  '[',
  ']',
  '(',
  ')',
  '[x](https://e.io/p?q=1)',
  '[y](javascript:x)',
  '<https://e.io>',
  '> ',
  '\n> ',
  '- ',
  '\n- ',
  '\n  - ',
  '1. ',
  '\n2. ',
  '# ',
  '\n## ',
  '\\',
  '\\*',
  '|',
  '\n|a|b|\n|-|-|\n|1|2|\n',
  '---',
  '\t',
];

function generate(random: () => number, pieces: number): string {
  let out = '';
  for (let i = 0; i < pieces; i++) out += PIECES[Math.floor(random() * PIECES.length)];
  return out;
}

const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** The rules an entity list must follow for Telegram to accept it and show what was meant. */
function checkEntities({ text, entities }: FormattedText): string[] {
  const problems: string[] = [];
  for (const e of entities) {
    const end = e.offset + e.length;
    if (!Number.isInteger(e.offset) || e.offset < 0 || e.length <= 0 || end > text.length)
      problems.push(`out of range: ${JSON.stringify(e)}`);
    if (isLow(text.charCodeAt(e.offset)) || (end < text.length && isLow(text.charCodeAt(end))))
      problems.push(`splits a surrogate pair: ${JSON.stringify(e)}`);
    if (e.type === 'text_link' && !/^(https?:\/\/|tg:\/\/|mailto:)/.test(e.url))
      problems.push(`unsafe url ${e.url}`);
  }
  for (const a of entities) {
    for (const b of entities) {
      if (a === b) continue;
      const aEnd = a.offset + a.length;
      const bEnd = b.offset + b.length;
      const overlap = a.offset < bEnd && b.offset < aEnd;
      const aContainsB = a.offset <= b.offset && bEnd <= aEnd;
      const bContainsA = b.offset <= a.offset && aEnd <= bEnd;
      if (overlap && !aContainsB && !bContainsA) problems.push(`partial overlap ${a.type}/${b.type}`);
      if (overlap && (a.type === 'code' || a.type === 'pre') && aContainsB && !bContainsA)
        problems.push(`${b.type} inside ${a.type}`);
      if (overlap && a.type === 'blockquote' && b.type === 'blockquote') problems.push('nested blockquote');
    }
  }
  for (let i = 1; i < entities.length; i++) {
    if (entities[i]!.offset < entities[i - 1]!.offset) problems.push('entities not sorted');
  }
  if (text !== text.trim()) problems.push('surrounding blanks (Telegram would trim and shift offsets)');
  return problems;
}

describe('format properties', () => {
  it('any generated Markdown converts to valid text and entities, without throwing', () => {
    const random = prng(20240601);
    for (let n = 0; n < 3000; n++) {
      const input = generate(random, 1 + Math.floor(random() * 40));
      let result: FormattedText;
      try {
        result = markdownToEntities(input);
      } catch (err) {
        throw new Error(`threw on ${JSON.stringify(input)}: ${(err as Error).message}`);
      }
      const problems = checkEntities(result);
      if (problems.length > 0)
        throw new Error(`${JSON.stringify(input)} → ${JSON.stringify(result)}: ${problems.join('; ')}`);
      // Nothing the model wrote disappears: the letters and emoji of the output are those of the
      // input, in order; only URLs (now in entities) and code-fence languages may be missing.
      const letters = (t: string) =>
        [
          ...t
            .replace(/https:\/\/e\.io(?:\/p\?q=1)?|javascript:x/g, '')
            .matchAll(/[\p{L}\p{Extended_Pictographic}]/gu),
        ].map((m) => m[0]);
      const out = letters(result.text);
      const all = letters(input);
      const fenceInfo = letters(
        [...input.matchAll(/(?:`{3,}|~{3,})([\w+#.-]*)[ \t]*$/gm)].map((m) => m[1]).join(''),
      );
      expect([input, isSubsequence(out, all) && all.length - out.length <= fenceInfo.length]).toEqual([
        input,
        true,
      ]);
    }
  });

  it('splitting keeps every part within the limit and every entity continued across cuts', () => {
    const random = prng(7);
    for (let n = 0; n < 500; n++) {
      const source = markdownToEntities(generate(random, 20 + Math.floor(random() * 200)));
      const limit = 8 + Math.floor(random() * 60);
      const parts = splitFormatted(source, limit);
      for (const part of parts) {
        const context = `limit ${limit}, ${JSON.stringify(source)} → ${JSON.stringify(part)}`;
        expect([context, part.text.length <= limit]).toEqual([context, true]);
        expect([context, checkEntities(part)]).toEqual([context, []]);
        // The part is the source text at its place...
        expect(source.text.slice(part.sourceOffset, part.sourceOffset + part.text.length)).toBe(part.text);
        // ...and carries exactly the source's entities clipped to it.
        const expected = source.entities
          .map((e) => clip(e, part.sourceOffset, part.sourceOffset + part.text.length))
          .filter((e): e is MessageEntity => e !== undefined);
        expect([context, part.entities]).toEqual([context, expected]);
      }
      // Only blanks are lost between parts.
      const joined = parts.map((p) => p.text).join('');
      expect(joined.replace(/\s/g, '')).toBe(source.text.replace(/\s/g, ''));
    }
  });

  it('never cuts a surrogate pair, even in a text of nothing but emoji', () => {
    const text = '😀'.repeat(5000);
    const parts = splitFormatted({ text, entities: [{ type: 'bold', offset: 0, length: text.length }] });
    expect(parts.every((p) => p.text.length <= 4096 && !isLow(p.text.charCodeAt(0)))).toBe(true);
    expect(parts.map((p) => p.text).join('')).toBe(text);
    expect(parts.every((p) => p.entities.length === 1 && p.entities[0]!.length === p.text.length)).toBe(true);
  });

  it('Telegram (the emulator) stores each part exactly as converted', async () => {
    const emu = await startEmulator();
    try {
      const token = '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
      const api = new Api(token, { apiRoot: emu.url });
      emu.sendUserMessage({ token, text: 'hi' });
      const random = prng(99);
      for (let n = 0; n < 40; n++) {
        for (const part of formatForTelegram(generate(random, 30), 200)) {
          const sent = await api.sendMessage(100001, part.text, { entities: part.entities });
          // Telegram adds its own url/mention entities; ours must be there unchanged.
          expect(sent.text).toBe(part.text);
          for (const e of part.entities) expect(sent.entities).toContainEqual(e);
        }
      }
    } finally {
      await emu.close();
    }
  });
});

function isSubsequence(small: string[], big: string[]): boolean {
  let j = 0;
  for (const x of big) if (j < small.length && small[j] === x) j++;
  return j === small.length;
}

function clip(e: MessageEntity, start: number, end: number): MessageEntity | undefined {
  const from = Math.max(e.offset, start);
  const to = Math.min(e.offset + e.length, end);
  return to > from ? { ...e, offset: from - start, length: to - from } : undefined;
}
