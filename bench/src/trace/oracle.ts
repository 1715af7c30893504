import { normalizePrompt, type TraceMessage } from './trace';

/**
 * The best hit ratio any cache could reach on a trace: a hit is possible only for a
 * context-free first turn whose exact normalized prompt was seen (as a context-free first turn)
 * earlier in the trace. The first occurrence of every prompt is a miss.
 */

export interface OracleResult {
  messages: number;
  /** Context-free first turns (the only cacheable messages). */
  contextFree: number;
  hits: number;
  distinctPrompts: number;
  distinctUsers: number;
  /** hits / messages. */
  hitRatio: number;
  /** hits / contextFree. */
  firstTurnHitRatio: number;
}

export function oracleHitRatio(
  trace: Iterable<TraceMessage>,
  normalize: (text: string) => string = normalizePrompt,
): OracleResult {
  const seen = new Set<string>();
  const users = new Set<number>();
  let messages = 0;
  let contextFree = 0;
  let hits = 0;
  for (const message of trace) {
    messages++;
    users.add(message.userId);
    if (!message.contextFree || message.turn !== 1) continue;
    contextFree++;
    const key = normalize(message.prompt);
    if (seen.has(key)) hits++;
    else seen.add(key);
  }
  return {
    messages,
    contextFree,
    hits,
    distinctPrompts: seen.size,
    distinctUsers: users.size,
    hitRatio: messages === 0 ? 0 : hits / messages,
    firstTurnHitRatio: contextFree === 0 ? 0 : hits / contextFree,
  };
}
