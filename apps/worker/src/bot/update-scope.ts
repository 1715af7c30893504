import type { UpdateJob } from '@parley/contracts';
import { type Api, Context } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { WorkerDeps } from '../deps';

export type Handling = 'answered' | 'command' | 'ignored' | 'duplicate';

/** What one job knows while its update runs through the bot's middleware. */
export interface UpdateScope {
  deps: WorkerDeps;
  job: UpdateJob;
  /** True when this is the job's last attempt: failures must now end in a message to the user. */
  lastAttempt: boolean;
  handling: Handling;
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
