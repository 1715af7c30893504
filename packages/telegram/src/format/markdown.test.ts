import { formatForTelegram, markdownToEntities, plainParts } from './index';
import type { FormattedText, MessageEntity } from './types';

/** `type@"covered text"` per entity, for readable expectations. */
function describeEntities({ text, entities }: FormattedText): string[] {
  return entities.map((e) => {
    const extra =
      e.type === 'pre' && e.language ? `:${e.language}` : e.type === 'text_link' ? `:${e.url}` : '';
    return `${e.type}${extra}@${JSON.stringify(text.slice(e.offset, e.offset + e.length))}`;
  });
}

describe('markdownToEntities', () => {
  it.each<[string, string, string[]]>([
    ['**bold** and __bold__', 'bold and bold', ['bold@"bold"', 'bold@"bold"']],
    ['*italic* and _italic_', 'italic and italic', ['italic@"italic"', 'italic@"italic"']],
    ['***both***', 'both', ['italic@"both"', 'bold@"both"']],
    ['*a **b** c*', 'a b c', ['italic@"a b c"', 'bold@"b"']],
    ['~~gone~~', 'gone', ['strikethrough@"gone"']],
    ['use `npm i` now', 'use npm i now', ['code@"npm i"']],
    ['``a ` b``', 'a ` b', ['code@"a ` b"']],
    ['[docs](https://example.com/a?b=1&c=2)', 'docs', ['text_link:https://example.com/a?b=1&c=2@"docs"']],
    ['see <https://example.com>', 'see https://example.com', []],
    ['[x](javascript:alert(1))', 'x (javascript:alert(1))', []],
    ['# Heading\ntext', 'Heading\ntext', ['bold@"Heading"']],
    ['> quoted **line**\n> more', 'quoted line\nmore', ['blockquote@"quoted line\\nmore"', 'bold@"line"']],
    ['```ts\nconst a = 1;\n```', 'const a = 1;', ['pre:ts@"const a = 1;"']],
    ['- a\n- b\n  - c', '• a\n• b\n   ◦ c', []],
    ['1. a\n2) b', '1. a\n2) b', []],
    ['snake_case_name', 'snake_case_name', []],
    ['2 * 3 * 4', '2 * 3 * 4', []],
    ['\\*not italic\\*', '*not italic*', []],
  ])('%j', (markdown, text, entities) => {
    const result = markdownToEntities(markdown);
    expect(result.text).toBe(text);
    expect(describeEntities(result)).toEqual(entities);
  });

  it('keeps unclosed markers as text and closes an unclosed code fence at the end', () => {
    expect(markdownToEntities('**never closed').text).toBe('**never closed');
    expect(markdownToEntities('_open').text).toBe('_open');
    expect(markdownToEntities('`tick').text).toBe('`tick');
    const fence = markdownToEntities('intro\n```python\nprint(1)\n');
    expect(describeEntities(fence)).toEqual(['pre:python@"print(1)"']);
  });

  it('counts offsets in UTF-16 units, so emoji before an entity do not shift it', () => {
    const result = markdownToEntities('👩‍💻 😀 **bold** 🇩🇪 `x`');
    expect(result.text).toBe('👩‍💻 😀 bold 🇩🇪 x');
    const bold = result.entities[0]!;
    expect(bold.offset).toBe('👩‍💻 😀 '.length); // 5 + 1 + 2 + 1 UTF-16 units
    expect(result.text.slice(bold.offset, bold.offset + bold.length)).toBe('bold');
  });

  it("converts the simulator's Markdown sample", () => {
    const sample = [
      'Here is **bold text**, some _italic text_ and `inline code`. (turn 1)',
      '',
      '1. First step',
      '2. Second step with a [link](https://example.com/docs?a=1&b=2)',
      '',
      '- bullet one',
      '- bullet two',
      '',
      '```python',
      'def greet(name):',
      '    return f"Hello, {name}!"',
      '```',
      '',
      'Special characters: 2 < 3 & 5 > 4, snake_case_name, price $5.',
    ].join('\n');
    const result = markdownToEntities(sample);
    expect(result.text).toContain('• bullet one');
    expect(result.text).toContain('Special characters: 2 < 3 & 5 > 4, snake_case_name, price $5.');
    expect(describeEntities(result)).toEqual([
      'bold@"bold text"',
      'italic@"italic text"',
      'code@"inline code"',
      'text_link:https://example.com/docs?a=1&b=2@"link"',
      'pre:python@"def greet(name):\\n    return f\\"Hello, {name}!\\""',
    ]);
  });
});

describe('formatForTelegram', () => {
  it('splits long answers at 4096 UTF-16 units and continues a cut code block in the next part', () => {
    const code = Array.from({ length: 400 }, (_, i) => `line ${i} = compute(${i}) # 😀`).join('\n');
    const parts = formatForTelegram(`Intro **text**.\n\n\`\`\`python\n${code}\n\`\`\`\n\nThe end.`);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) expect(part.text.length).toBeLessThanOrEqual(4096);
    // Every part that holds code holds it inside a pre entity with the language: no dangling fence.
    const withCode = parts.filter((p) => p.text.includes('compute('));
    for (const part of withCode) {
      const pre = part.entities.filter((e): e is MessageEntity.PreMessageEntity => e.type === 'pre');
      expect(pre).toHaveLength(1);
      expect(pre[0]!.language).toBe('python');
      expect(part.text).not.toContain('```');
    }
    expect(parts.map((p) => p.text).join('\n')).toContain('The end.');
  });

  it('has a plain-text fallback with the same text', () => {
    const parts = formatForTelegram('**a** _b_');
    expect(plainParts(parts)).toEqual([{ text: 'a b', entities: [], sourceOffset: 0 }]);
  });
});
