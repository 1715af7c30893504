import { parseInline } from './inline';
import { FormattedBuilder, type FormattedText } from './types';

/**
 * Converts the Markdown an LLM writes into Telegram's plain text plus `MessageEntity` objects
 * (UTF-16 offsets), so no markup has to survive Telegram's parser: nothing to escape, no 400
 * "can't parse entities".
 *
 * Blocks: fenced code (``` or ~~~, with language; an unclosed fence runs to the end) → `pre`;
 * headings → bold lines; `>` quotes → `blockquote`; `-`/`*`/`+` lists → "•" (nested "◦"),
 * numbered lists kept, task lists → ☐/☑; rules → a line of "—"; tables → `pre` (keeps the
 * columns aligned); everything else → paragraphs with inline formatting (see inline.ts).
 */
export function markdownToEntities(markdown: string): FormattedText {
  const out = new FormattedBuilder();
  renderBlocks(out, markdown.replace(/\r\n?/g, '\n').split('\n'), false);
  return trimFormatted({ text: out.text, entities: out.entities });
}

const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([\w+#.-]*)[ \t]*$/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const BULLET = /^([ \t]*)([-*+])[ \t]+(.*)$/;
const ORDERED = /^([ \t]*)(\d{1,9})([.)])[ \t]+(.*)$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const TABLE_SEPARATOR = /^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)+\|?[ \t]*$/;

function renderBlocks(out: FormattedBuilder, lines: string[], inQuote: boolean): void {
  let i = 0;
  let paragraph: string[] = [];
  const newline = () => {
    if (out.text !== '' && !out.text.endsWith('\n')) out.append('\n');
  };
  const flushParagraph = () => {
    if (paragraph.length === 0) return;
    newline();
    out.inline(parseInline(paragraph.join('\n')));
    paragraph = [];
  };
  const blank = () => {
    flushParagraph();
    // One empty line between blocks at most.
    if (out.text !== '' && !out.text.endsWith('\n\n')) out.append(out.text.endsWith('\n') ? '\n' : '\n\n');
  };

  while (i < lines.length) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      flushParagraph();
      const marker = fence[1]!;
      const language = fence[2] ?? '';
      const body: string[] = [];
      i++;
      while (
        i < lines.length &&
        !new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`).test(lines[i]!)
      ) {
        body.push(lines[i]!);
        i++;
      }
      i++; // the closing fence (or past the end when the model never closed it)
      newline();
      const code = body.join('\n');
      if (code.trim() !== '') {
        // Telegram's pre in a quote is not allowed: inside quotes code stays inline-free text.
        if (inQuote) out.wrap({ type: 'code' }, () => out.append(code));
        else out.wrap(language ? { type: 'pre', language } : { type: 'pre' }, () => out.append(code));
      }
      continue;
    }
    if (line.trim() === '') {
      blank();
      i++;
      continue;
    }
    if (!inQuote && QUOTE.test(line)) {
      flushParagraph();
      const quoted: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) {
        // Nested quotes (`> >`) are flattened: Telegram has no quote inside a quote.
        quoted.push(QUOTE.exec(lines[i]!)![1]!.replace(/^(?:> ?)+/, ''));
        i++;
      }
      newline();
      out.wrap({ type: 'blockquote' }, () => {
        const inner = new FormattedBuilder();
        renderBlocks(inner, quoted, true);
        const trimmed = trimFormatted({ text: inner.text, entities: inner.entities });
        const offset = out.text.length;
        out.append(trimmed.text);
        for (const e of trimmed.entities) out.entities.push({ ...e, offset: e.offset + offset });
      });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flushParagraph();
      newline();
      out.wrap({ type: 'bold' }, () => out.inline(parseInline(heading[2]!)));
      i++;
      continue;
    }
    if (RULE.test(line) && paragraph.length === 0) {
      newline();
      out.append('——————');
      i++;
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1]!)) {
      flushParagraph();
      const rows: string[] = [];
      while (i < lines.length && lines[i]!.includes('|')) {
        if (!TABLE_SEPARATOR.test(lines[i]!)) rows.push(lines[i]!.trim());
        i++;
      }
      newline();
      out.wrap(inQuote ? { type: 'code' } : { type: 'pre' }, () => out.append(alignTable(rows)));
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = bullet ? null : ORDERED.exec(line);
    if (bullet || ordered) {
      flushParagraph();
      newline();
      const indent = ((bullet ?? ordered)![1] ?? '').replace(/\t/g, '    ').length;
      const level = Math.min(Math.floor(indent / 2), 6);
      const pad = '   '.repeat(level);
      let content = bullet ? bullet[3]! : ordered![4]!;
      let marker = bullet ? (level === 0 ? '•' : '◦') : `${ordered![2]}${ordered![3]}`;
      const task = /^\[([ xX])\][ \t]+/.exec(content);
      if (bullet && task) {
        marker = task[1] === ' ' ? '☐' : '☑';
        content = content.slice(task[0].length);
      }
      out.append(`${pad}${marker} `);
      // Continuation lines of the item (indented, not a new block) belong to it.
      const itemLines = [content];
      i++;
      while (
        i < lines.length &&
        /^[ \t]+\S/.test(lines[i]!) &&
        !BULLET.test(lines[i]!) &&
        !ORDERED.test(lines[i]!) &&
        !FENCE.test(lines[i]!)
      ) {
        itemLines.push(lines[i]!.trim());
        i++;
      }
      out.inline(parseInline(itemLines.join('\n')));
      continue;
    }
    paragraph.push(line);
    i++;
  }
  flushParagraph();
}

/** Table rows with their cells padded to common widths (for a monospace `pre`). */
function alignTable(rows: string[]): string {
  const cells = rows.map((row) =>
    row
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split('|')
      .map((c) => c.trim().replace(/\*\*|__|`/g, '')),
  );
  const widths: number[] = [];
  for (const row of cells) {
    row.forEach((c, k) => {
      widths[k] = Math.max(widths[k] ?? 0, [...c].length);
    });
  }
  return cells
    .map((row) =>
      row
        .map((c, k) => c + ' '.repeat((widths[k] ?? 0) - [...c].length))
        .join(' | ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * Leading and trailing blanks removed (Telegram strips them and would shift every offset),
 * entities clipped to the remaining text, and empty ones dropped.
 */
export function trimFormatted(input: FormattedText): FormattedText {
  const { text } = input;
  let start = 0;
  let end = text.length;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  const entities = [];
  for (const e of input.entities) {
    const from = Math.max(e.offset, start);
    let to = Math.min(e.offset + e.length, end);
    // An entity may not end with blanks that separate it from the next block.
    while (to > from && e.type !== 'pre' && e.type !== 'code' && /\s/.test(text[to - 1]!)) to--;
    if (to > from) entities.push({ ...e, offset: from - start, length: to - from });
  }
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: text.slice(start, end), entities };
}
