import type { ReplyWatcher } from './replies';
import { tokenText } from './replies';
import { type LatencySummary, summarize } from './stats';

/**
 * Offered load at the emulator: messages `bench m<n>z` in round-robin over many private chats,
 * at a fixed rate or as fast as a bounded number of in-flight injections allows. Latency is
 * from just before the injection request to the reply's appearance in the event stream.
 */

export type Inject = (chatId: number, text: string) => Promise<void>;

export interface Sent {
  tokens: number[];
  sentAt: Map<number, number>;
  failed: number;
}

let nextToken = 1;

/** Token numbers are unique over the whole run. */
export function takeTokens(count: number): number[] {
  const tokens = Array.from({ length: count }, (_, i) => nextToken + i);
  nextToken += count;
  return tokens;
}

export function chatFor(token: number, chats: number): number {
  return 200_000 + (token % chats);
}

/** Injects `rate` messages per second for `durationMs`, keeping at most `maxInFlight` requests open. */
export async function injectAtRate(
  inject: Inject,
  o: { rate: number; durationMs: number; chats: number; maxInFlight?: number; signal?: AbortSignal },
): Promise<Sent> {
  const total = Math.max(1, Math.round((o.rate * o.durationMs) / 1000));
  const tokens = takeTokens(total);
  const sentAt = new Map<number, number>();
  let failed = 0;
  let inFlight = 0;
  const maxInFlight = o.maxInFlight ?? 256;
  const start = Date.now();
  const pending = new Set<Promise<void>>();
  let i = 0;
  while (i < total && !o.signal?.aborted) {
    const due = Math.min(total, Math.floor(((Date.now() - start) * o.rate) / 1000) + 1);
    while (i < due && inFlight < maxInFlight) {
      const token = tokens[i++] ?? 0;
      inFlight++;
      sentAt.set(token, Date.now());
      const p = inject(chatFor(token, o.chats), tokenText(token))
        .catch(() => {
          failed++;
        })
        .finally(() => {
          inFlight--;
          pending.delete(p);
        });
      pending.add(p);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(pending);
  return { tokens: tokens.slice(0, i), sentAt, failed };
}

/** Injects `count` messages as fast as `concurrency` parallel requests allow. */
export async function injectBurst(
  inject: Inject,
  o: { count: number; chats: number; concurrency: number },
): Promise<Sent> {
  const tokens = takeTokens(o.count);
  const sentAt = new Map<number, number>();
  let failed = 0;
  let next = 0;
  const lane = async () => {
    while (next < tokens.length) {
      const token = tokens[next++] ?? 0;
      sentAt.set(token, Date.now());
      await inject(chatFor(token, o.chats), tokenText(token)).catch(() => {
        failed++;
      });
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, lane));
  return { tokens, sentAt, failed };
}

export interface Observed {
  sent: number;
  answered: number;
  latency: LatencySummary;
  /** Latency where unanswered messages count as infinitely late (for a p95 verdict). */
  p95WithMissing: number;
}

/** Update→reply latencies of `sent`, after waiting up to `drainMs` for the missing replies. */
export async function observe(watcher: ReplyWatcher, sent: Sent, drainMs: number): Promise<Observed> {
  await watcher.waitFor(sent.tokens, drainMs);
  const latencies: number[] = [];
  for (const token of sent.tokens) {
    const at = watcher.seen.get(token);
    const from = sent.sentAt.get(token);
    if (at !== undefined && from !== undefined) latencies.push(at - from);
  }
  const missing = sent.tokens.length - latencies.length;
  const withMissing = [...latencies, ...Array.from({ length: missing }, () => Number.POSITIVE_INFINITY)];
  const sorted = withMissing.sort((a, b) => a - b);
  const p95WithMissing = sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)] ?? Number.NaN;
  return {
    sent: sent.tokens.length,
    answered: latencies.length,
    latency: summarize(latencies),
    p95WithMissing,
  };
}
