import type { InlineNode } from './types';

/**
 * Inline Markdown as LLMs write it: `code`, **bold** / __bold__, *italic* / _italic_,
 * ~~strikethrough~~, [links](url), ![images](url) (as links), <autolinks> and backslash escapes.
 *
 * Emphasis uses CommonMark's flanking rules: a marker run opens when followed by a non-space
 * (and not only punctuation after it unless preceded by space or punctuation) and closes in the
 * mirror case; `_` never opens or closes inside a word, so snake_case stays as it is. A marker
 * with no partner stays literal text: nothing the model wrote is lost.
 */

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const SAFE_URL = /^(?:https?:\/\/|tg:\/\/|mailto:)[^\s<>]+$/i;
/** After this many markers without a partner the rest are taken literally (bounds the work). */
const MAX_FAILED_OPENERS = 200;

type Marker = '*' | '_' | '~';

const isSpace = (c: string | undefined) => c === undefined || /\s/u.test(c);
const isPunct = (c: string | undefined) => c !== undefined && /[\p{P}\p{S}]/u.test(c);

class InlineParser {
  private failed = 0;

  constructor(private readonly s: string) {}

  parse(from: number, to: number): InlineNode[] {
    const s = this.s;
    const out: InlineNode[] = [];
    let text = '';
    const flush = () => {
      if (text !== '') out.push({ kind: 'text', value: text });
      text = '';
    };
    let i = from;
    while (i < to) {
      const ch = s[i]!;
      if (ch === '\\' && i + 1 < to && PUNCTUATION.test(s[i + 1]!)) {
        text += s[i + 1];
        i += 2;
        continue;
      }
      if (ch === '`') {
        const run = this.run(i, to, '`');
        const close = this.closingBackticks(i + run, to, run);
        if (close >= 0) {
          flush();
          let code = s.slice(i + run, close).replace(/\n/g, ' ');
          if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '')
            code = code.slice(1, -1);
          if (code !== '') out.push({ kind: 'code', value: code });
          i = close + run;
        } else {
          text += s.slice(i, i + run);
          i += run;
        }
        continue;
      }
      if (ch === '[' || (ch === '!' && s[i + 1] === '[')) {
        const link = this.link(ch === '!' ? i + 1 : i, to);
        if (link) {
          flush();
          const children = this.parse(link.labelStart, link.labelEnd);
          if (SAFE_URL.test(link.url)) out.push({ kind: 'link', url: link.url, children });
          else {
            out.push(...children);
            if (link.url !== '') out.push({ kind: 'text', value: ` (${link.url})` });
          }
          i = link.end;
          continue;
        }
      }
      if (ch === '<') {
        const auto = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/i.exec(s.slice(i, to));
        if (auto) {
          text += auto[1];
          i += auto[0].length;
          continue;
        }
      }
      if (ch === '*' || ch === '_' || (ch === '~' && s[i + 1] === '~')) {
        const marker = ch as Marker;
        const run = this.run(i, to, marker);
        const span = this.emphasis(marker, i, run, to);
        if (span) {
          flush();
          text += marker.repeat(span.leading);
          flush();
          out.push(span.node);
          i = span.end;
        } else {
          text += marker.repeat(run);
          i += run;
        }
        continue;
      }
      text += ch;
      i++;
    }
    flush();
    return merge(out);
  }

  /**
   * Tries to open emphasis with the run at `i`. The markers next to the text pair up first
   * (`***x***` is bold inside italic); markers of the run left without a partner stay literal.
   */
  private emphasis(marker: Marker, i: number, run: number, to: number) {
    if (this.failed > MAX_FAILED_OPENERS || !this.canOpen(marker, i, run)) return undefined;
    const lengths = marker === '~' ? (run === 2 ? [2] : []) : run >= 2 ? [2, 1] : [1];
    for (const len of lengths) {
      const close = this.closer(marker, len, i + run, to);
      if (close < 0) continue;
      const inner = this.parse(i + run, close);
      let node: InlineNode = {
        kind: 'style',
        type: marker === '~' ? 'strikethrough' : len === 2 ? 'bold' : 'italic',
        children: inner,
      };
      let leading = run - len;
      let end = close + len;
      const outer = Math.min(leading, 2);
      if (outer > 0 && marker !== '~' && this.s.slice(end, end + outer) === marker.repeat(outer)) {
        node = { kind: 'style', type: outer === 2 ? 'bold' : 'italic', children: [node] };
        end += outer;
        leading -= outer;
      }
      return { node, end, leading };
    }
    this.failed++;
    return undefined;
  }

  /**
   * Where the closing run for an opener of `len` markers starts: the first run that can close
   * and has at least `len` markers (its first `len` ones close). A run that only opens starts a
   * nested span, which is skipped whole so its closer cannot close ours.
   */
  private closer(marker: Marker, len: number, from: number, to: number): number {
    const s = this.s;
    let j = from;
    while (j < to) {
      const c = s[j];
      if (c === '\\') {
        j += 2;
        continue;
      }
      if (c === '`') {
        const run = this.run(j, to, '`');
        const close = this.closingBackticks(j + run, to, run);
        j = close >= 0 ? close + run : j + run;
        continue;
      }
      if (c !== marker) {
        j++;
        continue;
      }
      const run = this.run(j, to, marker);
      const closes = this.canClose(marker, j, run);
      if (closes && run >= len && (marker !== '~' || run === 2)) return j;
      if (!closes && this.canOpen(marker, j, run) && run !== len) {
        // A nested span with a different marker length: skip to its end.
        const nested = this.closer(marker, Math.min(run, 2), j + run, to);
        if (nested >= 0) {
          j = nested + Math.min(run, 2);
          continue;
        }
      }
      j += run;
    }
    return -1;
  }

  private canOpen(marker: Marker, i: number, run: number): boolean {
    const before = this.s[i - 1];
    const after = this.s[i + run];
    const left = !isSpace(after) && (!isPunct(after) || isSpace(before) || isPunct(before));
    if (marker !== '_') return left;
    const right = !isSpace(before) && (!isPunct(before) || isSpace(after) || isPunct(after));
    return left && (!right || isPunct(before));
  }

  private canClose(marker: Marker, i: number, run: number): boolean {
    const before = this.s[i - 1];
    const after = this.s[i + run];
    const right = !isSpace(before) && (!isPunct(before) || isSpace(after) || isPunct(after));
    if (marker !== '_') return right;
    const left = !isSpace(after) && (!isPunct(after) || isSpace(before) || isPunct(before));
    return right && (!left || isPunct(after));
  }

  private run(start: number, to: number, ch: string): number {
    let n = 0;
    while (start + n < to && this.s[start + n] === ch) n++;
    return n;
  }

  private closingBackticks(from: number, to: number, run: number): number {
    let i = from;
    while (i < to) {
      const next = this.s.indexOf('`', i);
      if (next < 0 || next >= to) return -1;
      const len = this.run(next, to, '`');
      if (len === run) return next;
      i = next + len;
    }
    return -1;
  }

  /** `[label](url "title")` at `start` (the '['), with balanced brackets in the label. */
  private link(start: number, to: number) {
    const s = this.s;
    let depth = 0;
    let i = start;
    for (; i < to; i++) {
      const c = s[i];
      if (c === '\\') {
        i++;
        continue;
      }
      if (c === '[') depth++;
      else if (c === ']' && --depth === 0) break;
    }
    if (depth !== 0 || s[i + 1] !== '(') return undefined;
    const m = /^\s*<?([^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/.exec(
      s.slice(i + 2, to),
    );
    if (!m) return undefined;
    return { labelStart: start + 1, labelEnd: i, url: m[1] ?? '', end: i + 2 + m[0].length };
  }
}

/** Adjacent text nodes joined (keeps the tree small and the tests readable). */
function merge(nodes: InlineNode[]): InlineNode[] {
  const out: InlineNode[] = [];
  for (const node of nodes) {
    const last = out[out.length - 1];
    if (node.kind === 'text' && last?.kind === 'text') last.value += node.value;
    else out.push(node);
  }
  return out;
}

export function parseInline(source: string): InlineNode[] {
  return new InlineParser(source).parse(0, source.length);
}
