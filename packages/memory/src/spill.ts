import { randomUUID } from 'node:crypto';
import type { ChainableCommander } from 'ioredis';
import { type ConversationRef, hashTagOf, type MemoryKeys } from './keys';
import type { Turn } from './schemas';
import { SPILL_SCRIPT } from './scripts';

export interface SpillInput {
  /** The conversation's history list (the keyspace's `history(bot, chat)`). */
  historyKey: string;
  /** The history's window: `HISTORY_MAX_MESSAGES`, the history store's `maxMessages`. */
  maxMessages: number;
  /** The turns the same MULTI appends to the history, in order. */
  turns: readonly Turn[];
}

export interface SpillSettings {
  maxPendingTurns: number;
  retentionSeconds: number;
}

/**
 * Adds to `tx` the move of the turns that the history append will push out of the window into
 * the conversation's pending list. Queue it BEFORE `history.appendTo(tx, …)`: it reads the list
 * as it is before the append trims it. Both run in one MULTI, so a turn is in the window or
 * pending, never lost in between, even if the worker dies right after.
 */
export function spillTo(
  tx: ChainableCommander,
  keys: MemoryKeys,
  conv: ConversationRef,
  input: SpillInput,
  settings: SpillSettings,
): void {
  if (!Number.isInteger(input.maxMessages) || input.maxMessages < 0)
    throw new RangeError(`maxMessages must be an integer >= 0 (got ${input.maxMessages})`);
  // On a Redis Cluster a script may only touch keys of one slot.
  if (hashTagOf(input.historyKey) !== `${conv.botId}:${conv.chatId}`)
    throw new RangeError(`historyKey ${input.historyKey} is not in the conversation's hash tag`);
  if (input.turns.length === 0) return;
  tx.eval(
    SPILL_SCRIPT,
    3,
    input.historyKey,
    keys.pending,
    keys.state,
    String(input.maxMessages),
    String(settings.maxPendingTurns),
    String(settings.retentionSeconds * 1000),
    randomUUID(),
    // The history store's own format, so that spilled turns read like history turns.
    ...input.turns.map((t) => JSON.stringify({ role: t.role, content: t.content })),
  );
}
