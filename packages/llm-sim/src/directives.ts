/**
 * Test directives embedded in the last user message, e.g. `[[sim:tokens=3000]]`. They let an
 * end-to-end test steer one request (long answer, slow answer, HTTP error) through the whole
 * platform without any side channel.
 */

/** What the directives in one message ask for. Invalid or out-of-range values are ignored. */
export interface SimDirectives {
  /** Answer with exactly this many completion tokens of filler words. */
  tokens?: number;
  /** Extra latency in milliseconds before the first token. */
  delayMs?: number;
  /** Answer with this HTTP error status instead of a completion. */
  errorStatus?: number;
  /** Answer with a fixed Markdown sample. */
  markdown?: boolean;
}

/** Upper bound of `[[sim:tokens=N]]`, so one request cannot make the server build a huge string. */
export const MAX_DIRECTIVE_TOKENS = 100_000;

/** Upper bound of `[[sim:delay=MS]]` (10 minutes). */
export const MAX_DIRECTIVE_DELAY_MS = 600_000;

const DIRECTIVE = /\[\[sim:([a-z_-]+)(?:=([^\]]*))?\]\]/gi;

function intInRange(value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return n >= min && n <= max ? n : undefined;
}

/** Reads the directives in `text`. */
export function parseDirectives(text: string): SimDirectives {
  const found: SimDirectives = {};
  for (const match of text.matchAll(DIRECTIVE)) {
    const name = match[1]?.toLowerCase();
    const value = match[2];
    if (name === 'tokens') {
      const tokens = intInRange(value, 1, MAX_DIRECTIVE_TOKENS);
      if (tokens !== undefined) found.tokens = tokens;
    } else if (name === 'delay') {
      const delayMs = intInRange(value, 0, MAX_DIRECTIVE_DELAY_MS);
      if (delayMs !== undefined) found.delayMs = delayMs;
    } else if (name === 'error') {
      const status = intInRange(value, 400, 599);
      if (status !== undefined) found.errorStatus = status;
    } else if (name === 'markdown') {
      found.markdown = true;
    }
  }
  return found;
}

/** `text` with every directive removed, so the responder never quotes them back. */
export function stripDirectives(text: string): string {
  return text.replace(DIRECTIVE, '').trim();
}
