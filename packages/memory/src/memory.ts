import type { ChainableCommander } from 'ioredis';
import { type FoldResult, fold } from './fold';
import { forgetConversation } from './forget';
import { type ConversationRef, memoryKeys } from './keys';
import { type MemoryOptions, resolveSettings } from './options';
import { type MemoryContext, recall } from './recall';
import { type SpillInput, spillTo } from './spill';

export interface ConversationMemory {
  /**
   * In the MULTI that appends turns to the history, and BEFORE `history.appendTo`: moves the
   * turns the append pushes out of the window into the pending list.
   */
  spillTo(tx: ChainableCommander, conv: ConversationRef, input: SpillInput): void;
  /** The summary, pending turns and the memories relevant to `text`, for `buildPrompt`. */
  recall(conv: ConversationRef, text: string): Promise<MemoryContext>;
  /**
   * Folds the pending turns into the summary and long-term memories once `foldEvery` of them
   * wait (`force`: whatever waits). Safe to call from any pod at any time; meant to run after
   * the reply is committed, without making the reply wait. Throws when embedding, summarising
   * or Redis fails: the turns stay pending for the next call.
   */
  maintain(conv: ConversationRef, opts?: { force?: boolean }): Promise<FoldResult>;
  /** Erases the conversation's memory (`/forget`, `/reset`). */
  forget(conv: ConversationRef): Promise<number>;
}

export function createConversationMemory(opts: MemoryOptions): ConversationMemory {
  const settings = resolveSettings(opts);
  const { redis, embed, summarise, observe } = opts;
  const keysOf = (conv: ConversationRef) => memoryKeys(settings.keyPrefix, conv);
  return {
    spillTo(tx, conv, input) {
      spillTo(tx, keysOf(conv), conv, input, settings);
    },
    async recall(conv, text) {
      const started = performance.now();
      const context = await recall({ redis, keys: keysOf(conv), settings, embed }, text);
      observe?.({
        kind: 'recall',
        candidates: context.candidates,
        recalled: context.memories.length,
        bestSimilarity: context.bestSimilarity,
        seconds: (performance.now() - started) / 1000,
      });
      return context;
    },
    async maintain(conv, maintainOpts = {}) {
      const started = performance.now();
      const report = (outcome: FoldResult['outcome'] | 'failed', r?: FoldResult) =>
        observe?.({
          kind: 'fold',
          outcome,
          turns: r?.turns ?? 0,
          memories: r?.memories ?? 0,
          evicted: r?.evicted ?? 0,
          seconds: (performance.now() - started) / 1000,
        });
      try {
        const result = await fold(
          { redis, keys: keysOf(conv), settings, embed, summarise },
          maintainOpts.force ?? false,
        );
        report(result.outcome, result);
        return result;
      } catch (err) {
        report('failed');
        throw err;
      }
    },
    forget(conv) {
      return forgetConversation(redis, settings.keyPrefix, conv);
    },
  };
}
