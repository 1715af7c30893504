import type { ChainableCommander } from 'ioredis';
import { execOrThrow } from '../exec-or-throw';
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
 * - `commit` adds the update's lasting writes (history) to the same MULTI that marks it done.
 */
export async function replyOnce(
  ctx: ParleyContext,
  handling: Handling,
  decide: () => Promise<Decision>,
  commit?: (tx: ChainableCommander, decision: Decision) => void,
): Promise<void> {
  const { deps, job } = ctx.scope;
  const chatId = ctx.chat?.id ?? 0;
  const ledgerKey = deps.keys.replyLedger(job.botId, chatId, ctx.update.update_id);
  const entry = await deps.ledger.read(ledgerKey);
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
  await deliverReply(ctx, ledgerKey, decision.answer, entry.sent, entry.answer !== undefined);
  const tx = deps.redis.multi();
  commit?.(tx, decision);
  for (const write of ctx.scope.commitWrites) write(tx);
  deps.ledger.finishIn(tx, ledgerKey);
  await execOrThrow(tx);
  ctx.scope.committed = true;
  ctx.scope.handling = handling;
}
