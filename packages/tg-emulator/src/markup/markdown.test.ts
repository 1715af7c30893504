import { detectEntities } from './auto-entities';
import { MarkupError } from './entities';
import { parseMarkdown } from './markdown';

describe('parseMarkdown (legacy)', () => {
  it('parses bold, italic, code, pre and links without requiring escapes', () => {
    const parsed = parseMarkdown('*b* _i_ `c` [l](https://t.me) 1.5-2!\n```js\nx\n```');
    expect(parsed.text).toBe('b i c l 1.5-2!\nx\n');
    expect(parsed.entities).toEqual([
      { type: 'bold', offset: 0, length: 1 },
      { type: 'italic', offset: 2, length: 1 },
      { type: 'code', offset: 4, length: 1 },
      { type: 'text_link', offset: 6, length: 1, url: 'https://t.me/' },
      { type: 'pre', offset: 15, length: 2, language: 'js' },
    ]);
  });

  it('fails on an unclosed entity like Telegram', () => {
    expect(() => parseMarkdown('snake_case')).toThrow(
      new MarkupError("Can't find end of the entity starting at byte offset 5"),
    );
  });
});

describe('detectEntities', () => {
  it('finds commands, mentions, hashtags, links and e-mail addresses', () => {
    const text = '/start@parley_bot hi @alice_b #tag see https://a.example/x. mail bob@example.org';
    expect(detectEntities(text, []).map((e) => [e.type, text.slice(e.offset, e.offset + e.length)])).toEqual([
      ['bot_command', '/start@parley_bot'],
      ['mention', '@alice_b'],
      ['hashtag', '#tag'],
      ['url', 'https://a.example/x'],
      ['email', 'bob@example.org'],
    ]);
  });

  it('does not take a closing tag for a command', () => {
    expect(detectEntities('a </b> c', [])).toEqual([]);
  });

  it('does not look inside code', () => {
    expect(detectEntities('`/cmd`', [{ type: 'code', offset: 0, length: 6 }])).toEqual([]);
  });
});
