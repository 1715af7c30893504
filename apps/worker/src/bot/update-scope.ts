import type { UpdateJob } from '@parley/contracts';
import type { LedgerEntry, Turn } from '@parley/conversation';
import { type Api, Context } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { WorkerDeps } from '../deps';
import type { CommitPlan } from '../lane/commit-batch';

export type Handling = 'answered' | 'command' | 'ignored' | 'duplicate' | 'refused';

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
   * What must land atomically with the reply ledger's "done": removing the updates from the
   * chat's inbox, marking batch members answered. replyOnce commits it with the reply.
   */
  commit: CommitPlan;
  /** Set once those writes are committed. */
  committed: boolean;
  /**
   * The reply ledger of `job`'s update with this attempt already begun, when the lane read it
   * together with the inbox; replyOnce begins the attempt itself otherwise.
   */
  ledger?: LedgerEntry;
  /** The conversation's recent turns, when the lane read them together with the inbox. */
  history?: Turn[];
  /** Set when a streamed draft already showed text: time to first text was observed then. */
  firstTextShown?: boolean;
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
