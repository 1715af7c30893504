import type { UpdateJob } from '@parley/contracts';
import { type Api, Context } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { ChainableCommander } from 'ioredis';
import type { WorkerDeps } from '../deps';

export type Handling = 'answered' | 'command' | 'ignored' | 'duplicate';

/** What one update (or one batch of a chat's updates) knows while it runs through the bot. */
export interface UpdateScope {
  deps: WorkerDeps;
  /** The update being handled; for a batch, its first update. */
  job: UpdateJob;
  /** True on the update's last attempt: failures must now end in a message to the user. */
  lastAttempt: boolean;
  handling: Handling;
  /** Id of the newest user message this reply answers (the last of a batch). */
  afterMessageId?: number;
  /** Texts of messages answered together in one LLM call, oldest first (coalescing). */
  batchTexts?: string[];
  /**
   * Writes that must land atomically with the reply ledger's "done" (removing the updates from
   * the chat's inbox, marking batch members answered). replyOnce runs them in its MULTI.
   */
  commitWrites: Array<(tx: ChainableCommander) => void>;
  /** Set once those writes are committed. */
  committed: boolean;
}

/** grammY's context plus the job it came from; handlers read `ctx.scope`. */
export class ParleyContext extends Context {
  constructor(
    update: Update,
    api: Api,
    me: UserFromGetMe,
    readonly scope: UpdateScope,
  ) {
    super(update, api, me);
  }
}
