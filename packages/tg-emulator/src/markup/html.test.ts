import { MarkupError } from './entities';
import { parseHtml } from './html';

function errorOf(input: string): string {
  try {
    parseHtml(input);
  } catch (err) {
    if (err instanceof MarkupError) return err.message;
    throw err;
  }
  throw new Error(`"${input}" parsed without error`);
}

describe('parseHtml', () => {
  it('strips tags and produces entities with UTF-16 offsets', () => {
    // The emoji is two UTF-16 code units, so "bold" starts at 3, not 2.
    const parsed = parseHtml('😀 <b>bold</b> <i>it</i> <code>x</code>');
    expect(parsed.text).toBe('😀 bold it x');
    expect(parsed.entities).toEqual([
      { type: 'bold', offset: 3, length: 4 },
      { type: 'italic', offset: 8, length: 2 },
      { type: 'code', offset: 11, length: 1 },
    ]);
  });

  it('maps every supported tag, nested, to its entity type', () => {
    const parsed = parseHtml(
      '<strong>a<em>b</em></strong><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>' +
        '<span class="tg-spoiler">h</span><tg-spoiler>i</tg-spoiler><blockquote>j</blockquote>' +
        '<blockquote expandable>k</blockquote>',
    );
    expect(parsed.text).toBe('abcdefghijk');
    expect(parsed.entities.map((e) => `${e.type}@${e.offset}+${e.length}`)).toEqual([
      'bold@0+2',
      'italic@1+1',
      'underline@2+1',
      'underline@3+1',
      'strikethrough@4+1',
      'strikethrough@5+1',
      'strikethrough@6+1',
      'spoiler@7+1',
      'spoiler@8+1',
      'blockquote@9+1',
      'expandable_blockquote@10+1',
    ]);
  });

  it('turns <a href> into text_link and <pre><code class> into pre with a language', () => {
    const parsed = parseHtml(
      '<a href="https://example.com/a?b=1&amp;c=2">link</a>\n<pre><code class="language-ts">let a;</code></pre>',
    );
    expect(parsed.text).toBe('link\nlet a;');
    expect(parsed.entities).toEqual([
      { type: 'text_link', offset: 0, length: 4, url: 'https://example.com/a?b=1&c=2' },
      { type: 'pre', offset: 5, length: 6, language: 'ts' },
    ]);
  });

  it('decodes the HTML entities Telegram supports and keeps a stray & as text', () => {
    expect(parseHtml('&lt;b&gt; &amp; &quot; &#65;&#x42; Tom & Jerry &nbsp;').text).toBe(
      '<b> & " AB Tom & Jerry &nbsp;',
    );
  });

  it('rejects unsupported and unclosed tags like Telegram', () => {
    expect(errorOf('<br>')).toBe('can\'t parse entities: Unsupported start tag "br" at byte offset 0');
    expect(errorOf('a < b')).toBe('can\'t parse entities: Unsupported start tag "" at byte offset 2');
    expect(errorOf('<b>bold')).toBe(
      'can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    );
    expect(errorOf('x</b>')).toBe("can't parse entities: Unexpected end tag at byte offset 1");
    expect(errorOf('<b><i>x</b></i>')).toBe(
      'can\'t parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
    );
    expect(errorOf('é <b')).toBe("can't parse entities: Unclosed start tag at byte offset 3");
    expect(errorOf('<span>x</span>')).toBe(
      'can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset 0',
    );
  });
});
