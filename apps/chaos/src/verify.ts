import { TOKEN_PATTERN } from './plan';

/**
 * The verdict, from the bot's messages as the emulator stored them. Every sent message carries a
 * unique token that the simulator's answer quotes back, so per chat, in message order:
 * - lost: a sent token that no bot message contains;
 * - duplicated: a token contained more than once (in two messages, or twice in one);
 * - out of order: a chat whose tokens, by first appearance, do not have increasing seqs;
 * - apologies: the worker's "can't answer right now" fallback (no token: its message is lost);
 * - foreign: a token in another chat's messages, or one that was never sent.
 */

export interface SentToken {
  chatIndex: number;
  chatId: number;
  seq: number;
  token: string;
}

export interface BotMessage {
  chatId: number;
  messageId: number;
  text: string;
  /** Unix seconds, as the emulator dates it. */
  date?: number;
}

export interface VerifyInput {
  sent: readonly SentToken[];
  /** Tokens whose POST failed: they may or may not have become updates, so they are not judged. */
  uncertain: readonly string[];
  botMessages: readonly BotMessage[];
}

export interface Verdict {
  sent: number;
  replies: number;
  answered: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  apologies: number;
  foreign: number;
  /** Bot messages with no token that are not apologies (notices, help texts, ...). */
  otherMessages: number;
  /** Answers whose quote hit the simulator's 200-character limit: tokens past it look lost. */
  truncatedQuotes: number;
  examples: {
    lost: string[];
    duplicated: string[];
    outOfOrder: Array<{ chatId: number; seqs: number[] }>;
    foreign: string[];
    otherMessages: string[];
  };
}

export const APOLOGY_PATTERN = /can[’']t answer right now/i;
const QUOTE_PATTERN = /You said: "([\s\S]*)"(?: and sent \d+ images?)?\. \(turn \d+\)/;
const QUOTE_LIMIT = 200;
const EXAMPLES = 10;

export function verify(input: VerifyInput): Verdict {
  const sentByToken = new Map(input.sent.map((s) => [s.token, s]));
  const uncertain = new Set(input.uncertain);
  const occurrences = new Map<string, number>();
  /** token → ids of the bot messages that contain it (for the duplicate examples). */
  const messageIds = new Map<string, number[]>();
  const verdict: Verdict = {
    sent: input.sent.length,
    replies: input.botMessages.length,
    answered: 0,
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    apologies: 0,
    foreign: 0,
    otherMessages: 0,
    truncatedQuotes: 0,
    examples: { lost: [], duplicated: [], outOfOrder: [], foreign: [], otherMessages: [] },
  };
  const note = (list: string[], item: string) => {
    if (list.length < EXAMPLES) list.push(item);
  };

  const byChat = new Map<number, BotMessage[]>();
  for (const message of input.botMessages) {
    const list = byChat.get(message.chatId) ?? [];
    list.push(message);
    byChat.set(message.chatId, list);
  }
  for (const [chatId, messages] of [...byChat].sort((a, b) => a[0] - b[0])) {
    messages.sort((a, b) => a.messageId - b.messageId);
    const seqs: number[] = [];
    for (const message of messages) {
      const quote = QUOTE_PATTERN.exec(message.text)?.[1];
      if (quote !== undefined && Array.from(quote).length >= QUOTE_LIMIT) verdict.truncatedQuotes++;
      const tokens = [...message.text.matchAll(TOKEN_PATTERN)].map((m) => m[0]);
      if (tokens.length === 0) {
        if (APOLOGY_PATTERN.test(message.text)) verdict.apologies++;
        else {
          verdict.otherMessages++;
          note(verdict.examples.otherMessages, `chat ${chatId}: ${message.text.slice(0, 120)}`);
        }
        continue;
      }
      for (const token of tokens) {
        if (uncertain.has(token)) continue;
        const sent = sentByToken.get(token);
        if (!sent || sent.chatId !== chatId) {
          verdict.foreign++;
          note(verdict.examples.foreign, `${token} in chat ${chatId}`);
          continue;
        }
        const seen = occurrences.get(token) ?? 0;
        occurrences.set(token, seen + 1);
        const ids = messageIds.get(token) ?? [];
        ids.push(message.messageId);
        messageIds.set(token, ids);
        if (seen === 0) seqs.push(sent.seq);
      }
    }
    if (seqs.some((seq, i) => i > 0 && seq <= (seqs[i - 1] ?? 0))) {
      verdict.outOfOrder++;
      if (verdict.examples.outOfOrder.length < EXAMPLES) verdict.examples.outOfOrder.push({ chatId, seqs });
    }
  }
  for (const sent of input.sent) {
    const seen = occurrences.get(sent.token) ?? 0;
    if (seen === 0) {
      verdict.lost++;
      note(verdict.examples.lost, sent.token);
    } else {
      verdict.answered++;
      if (seen > 1) {
        verdict.duplicated++;
        note(
          verdict.examples.duplicated,
          `${sent.token} ×${seen} (chat ${sent.chatId}, messages ${(messageIds.get(sent.token) ?? []).join(', ')})`,
        );
      }
    }
  }
  return verdict;
}

/** True when nothing went wrong: every message answered once, in order, and no apology. */
export function passed(v: Verdict): boolean {
  return v.lost === 0 && v.duplicated === 0 && v.outOfOrder === 0 && v.apologies === 0 && v.foreign === 0;
}

export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentiles; undefined without samples. */
export function summarizeLatency(samplesMs: readonly number[]): LatencySummary | undefined {
  if (samplesMs.length === 0) return undefined;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return {
    samples: sorted.length,
    p50Ms: at(50),
    p95Ms: at(95),
    p99Ms: at(99),
    maxMs: sorted[sorted.length - 1] ?? 0,
  };
}
