import { MarkupError } from './entities';
import { parseMarkdownV2 } from './markdown-v2';

function errorOf(input: string): string {
  try {
    parseMarkdownV2(input);
  } catch (err) {
    if (err instanceof MarkupError) return err.message;
    throw err;
  }
  throw new Error(`"${input}" parsed without error`);
}

describe('parseMarkdownV2', () => {
  it('parses nested entities and escapes', () => {
    const parsed = parseMarkdownV2('*bold _italic_* __under__ ~strike~ ||spoiler|| 1\\.5 \\*not bold\\*');
    expect(parsed.text).toBe('bold italic under strike spoiler 1.5 *not bold*');
    expect(parsed.entities).toEqual([
      { type: 'bold', offset: 0, length: 11 },
      { type: 'italic', offset: 5, length: 6 },
      { type: 'underline', offset: 12, length: 5 },
      { type: 'strikethrough', offset: 18, length: 6 },
      { type: 'spoiler', offset: 25, length: 7 },
    ]);
  });

  it('parses code, pre with language and links with UTF-16 offsets', () => {
    const parsed = parseMarkdownV2('🎉 `a.b` ```python\nprint(1)\n``` [site](https://example.com/x_\\(1\\))');
    expect(parsed.text).toBe('🎉 a.b print(1)\n site');
    expect(parsed.entities).toEqual([
      { type: 'code', offset: 3, length: 3 },
      { type: 'pre', offset: 7, length: 9, language: 'python' },
      { type: 'text_link', offset: 17, length: 4, url: 'https://example.com/x_(1)' },
    ]);
  });

  it('parses block quotes, expandable ones included', () => {
    const parsed = parseMarkdownV2('>quoted\n>more\nplain\n**>hidden\n>rest||');
    expect(parsed.text).toBe('quoted\nmore\nplain\nhidden\nrest');
    expect(parsed.entities).toEqual([
      { type: 'blockquote', offset: 0, length: 11 },
      { type: 'expandable_blockquote', offset: 18, length: 11 },
    ]);
  });

  it('requires reserved characters to be escaped, with Telegram wording', () => {
    expect(errorOf('Hello.')).toBe(
      "can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    expect(errorOf('a-b')).toBe(
      "can't parse entities: Character '-' is reserved and must be escaped with the preceding '\\'",
    );
    expect(errorOf('x > y')).toBe(
      "can't parse entities: Character '>' is reserved and must be escaped with the preceding '\\'",
    );
    expect(errorOf('(')).toBe(
      "can't parse entities: Character '(' is reserved and must be escaped with the preceding '\\'",
    );
  });

  it('reports unbalanced markers with the byte offset of the opening one', () => {
    expect(errorOf('ok *bold')).toBe("can't parse entities: Can't find end of Bold entity at byte offset 3");
    expect(errorOf('é _it')).toBe("can't parse entities: Can't find end of Italic entity at byte offset 3");
    expect(errorOf('```\ncode')).toBe("can't parse entities: Can't find end of Pre entity at byte offset 0");
    expect(errorOf('[a](http://x.y')).toBe("can't parse entities: Can't find end of a URL at byte offset 4");
  });

  it('only treats ` as reserved inside code', () => {
    expect(parseMarkdownV2('`a.b-c(d)!`').text).toBe('a.b-c(d)!');
  });
});
