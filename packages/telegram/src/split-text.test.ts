import { splitText } from './split-text';

describe('splitText', () => {
  it('leaves short text alone', () => {
    expect(splitText('hello')).toEqual(['hello']);
  });

  it('cuts at paragraph boundaries first and keeps every part within the limit', () => {
    const para = 'word '.repeat(150).trim();
    const text = [para, para, para].join('\n\n');
    const parts = splitText(text, 1000);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(1000);
    expect(parts[0]).toBe(para);
    expect(parts.join(' ').replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
  });

  it('cuts long words hard but never splits a surrogate pair', () => {
    const text = '😀'.repeat(3000); // 6000 UTF-16 code units, no spaces
    const parts = splitText(text, 4096);
    expect(parts.join('')).toBe(text);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(4096);
      expect(/[\ud800-\udbff]$/.test(part)).toBe(false);
    }
  });

  it('prefers sentence ends over arbitrary spaces', () => {
    const text = `${'a'.repeat(60)}. ${'b '.repeat(40)}`;
    const [first] = splitText(text, 80);
    expect(first).toBe(`${'a'.repeat(60)}.`);
  });
});
