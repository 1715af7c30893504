import { sleep } from './abort';

/**
 * Token timing. Token i (0-based) of a stream is due `i / tokensPerSecond` seconds after the first
 * token; a non-streamed answer is sent once all of them would have been generated.
 */

/** Most tokens put in one streamed chunk; a lagging stream catches up with several chunks. */
export const MAX_TOKENS_PER_CHUNK = 4;

/**
 * Shortest wait between two emissions. Timers below a few milliseconds are not honoured anyway;
 * at high rates several tokens go out per wake-up instead.
 */
const MIN_TICK_MS = 4;

/** Milliseconds to generate `tokens` at `tokensPerSecond` (0 = instant). */
export function generationMs(tokens: number, tokensPerSecond: number): number {
  if (tokensPerSecond <= 0 || !Number.isFinite(tokensPerSecond)) return 0;
  return (tokens * 1000) / tokensPerSecond;
}

/**
 * Calls `emit(from, to)` for consecutive token ranges `[from, to)` covering `0..total`, each at
 * most {@link MAX_TOKENS_PER_CHUNK} long, timed so that token i goes out about
 * `i / tokensPerSecond` seconds after the first. Instant rates emit everything synchronously.
 * Rejects with RequestAbortedError when `signal` aborts.
 */
export async function paceTokens(
  total: number,
  tokensPerSecond: () => number,
  signal: AbortSignal,
  emit: (from: number, to: number) => void,
): Promise<void> {
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    // Read live, so `configure({ tokensPerSecond })` also changes streams already running.
    const tps = tokensPerSecond();
    const instant = tps <= 0 || !Number.isFinite(tps);
    const elapsed = performance.now() - start;
    const due = instant ? total : Math.min(total, 1 + Math.floor((elapsed * tps) / 1000));
    while (sent < due) {
      const to = Math.min(due, sent + MAX_TOKENS_PER_CHUNK);
      emit(sent, to);
      sent = to;
    }
    if (sent >= total) return;
    const nextDueAt = start + (sent * 1000) / tps;
    await sleep(Math.max(MIN_TICK_MS, nextDueAt - performance.now()), signal);
  }
}
