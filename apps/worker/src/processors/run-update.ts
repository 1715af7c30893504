import type { UpdateJob } from '@parley/contracts';
import type { Composer } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { ParleyContext, type UpdateScope } from '../bot/update-scope';
import type { WorkerDeps } from '../deps';
import { NOTHING_TO_REMOVE } from '../lane/commit-batch';

export interface RunOptions {
  lastAttempt: boolean;
  batchTexts?: string[];
  afterMessageId?: number;
  commit?: UpdateScope['commit'];
  ledger?: UpdateScope['ledger'];
  history?: UpdateScope['history'];
}

/** Runs one update (or the first update of a batch) through the bot's middleware. */
export async function runUpdate(
  deps: WorkerDeps,
  bot: Composer<ParleyContext>,
  me: UserFromGetMe,
  payload: UpdateJob,
  opts: RunOptions,
): Promise<UpdateScope> {
  const scope: UpdateScope = {
    deps,
    job: payload,
    lastAttempt: opts.lastAttempt,
    handling: 'ignored',
    batchTexts: opts.batchTexts,
    afterMessageId: opts.afterMessageId,
    commit: opts.commit ?? NOTHING_TO_REMOVE,
    committed: false,
    ledger: opts.ledger,
    history: opts.history,
  };
  const ctx = new ParleyContext(payload.update as unknown as Update, deps.api, me, scope);
  await bot.middleware()(ctx, async () => {});
  return scope;
}
