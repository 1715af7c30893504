import type { Turn } from '@parley/conversation';
import { commitBatch } from '../lane/commit-batch';
import { deliverReply } from './deliver-reply';
import type { Handling, ParleyContext } from './update-scope';

export interface Decision {
  answer: string;
  /** What produced the answer: llm, cache, command, fallback. */
  kind: string;
}

/**
 * Runs one update's reply at most once, whatever happens to the job: re-deliveries and retries
 * find the ledger and resume where the previous attempt stopped.
 * - `decide` computes the answer; it only runs while no answer is recorded yet.
 * - `turns` gives the conversation turns to keep, committed atomically with "done", the removal
 *   from the inbox and (see deliverReply) the record of the last part sent.
 */
export async function replyOnce(
  ctx: ParleyContext,
  handling: Handling,
  decide: () => Promise<Decision>,
  turns?: (decision: Decision) => Turn[],
): Promise<void> {
  const { deps, job } = ctx.scope;
  const chatId = ctx.chat?.id ?? 0;
  const ledgerKey = deps.keys.replyLedger(job.botId, chatId, ctx.update.update_id);
  const entry = ctx.scope.ledger ?? (await deps.ledger.begin(ledgerKey));
  if (entry.done) {
    ctx.scope.handling = 'duplicate';
    return;
  }
  const decision =
    entry.answer !== undefined
      ? { answer: entry.answer, kind: entry.kind ?? 'unknown' }
      : await (async () => {
          const fresh = await decide();
          return deps.ledger.decide(ledgerKey, fresh.answer, fresh.kind);
        })();
  await deliverReply(ctx, ledgerKey, decision.answer, entry.sent, entry.answer !== undefined, (lastPart) =>
    commitBatch(deps, { botId: job.botId, chatId, updateId: ctx.update.update_id }, ctx.scope.commit, {
      turns: turns?.(decision),
      lastPart,
    }),
  );
  ctx.scope.committed = true;
  ctx.scope.handling = handling;
}
