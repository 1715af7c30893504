import { updateKind } from '@parley/contracts';
import { UnrecoverableError } from 'bullmq';
import type { Composer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { ChatUnavailableError } from '../bot/deliver-reply';
import { RetryLaterError, updateBackoffMs } from '../bot/errors';
import type { ParleyContext } from '../bot/update-scope';
import type { WorkerDeps } from '../deps';
import { execOrThrow } from '../exec-or-throw';
import { runUpdate } from '../processors/run-update';
import { type CommitPlan, commitBatch } from './commit-batch';
import type { Batch } from './next-batch';

const INACTIVE_TTL_SECONDS = 30 * 24 * 3_600;

/**
 * Handles one batch of a chat's inbox and removes it from the inbox in the same atomic script
 * that marks it done in the reply ledger (see commitBatch). Throws to have the lane retried later (the updates stay
 * at the head of the inbox, so order is kept); updates that can never be handled are moved to
 * the dead letters instead, so that one bad update cannot block its chat.
 */
export async function handleBatch(
  deps: WorkerDeps,
  bot: Composer<ParleyContext>,
  me: UserFromGetMe,
  botId: string,
  chatId: number,
  batch: Batch,
): Promise<void> {
  const head = batch.entries[0];
  if (!head) return;
  const ids = batch.entries.map((e) => e.updateId);
  const ledgerKey = (updateId: number) => deps.keys.replyLedger(botId, chatId, updateId);

  if (batch.kind === 'unreadable') {
    await deadLetter(deps, botId, chatId, batch, 'payload cannot be read by this version');
    return;
  }
  if (batch.kind === 'coalesced') await deps.ledger.claimBatch(ledgerKey(head.updateId), ids);

  // Counted when the batch was read (see readBatch).
  const attempts = batch.ledger.attempts;
  // A fault that is neither the LLM's nor Telegram's (e.g. a bug) must not block the chat forever.
  if (attempts > deps.config.updateMaxAttempts * 2) {
    await deadLetter(deps, botId, chatId, batch, `gave up after ${attempts - 1} attempts`);
    return;
  }

  const commit: CommitPlan = { removeIds: ids, coveredIds: ids.slice(1) };
  let handling: string;
  try {
    const scope = await runUpdate(deps, bot, me, batch.entries[0].payload, {
      // Last attempt: the user gets an apology now rather than more waiting.
      lastAttempt:
        attempts >= deps.config.updateMaxAttempts ||
        Date.now() - batch.entries[0].payload.receivedAt > deps.config.updateGiveUpAfterMs,
      batchTexts:
        batch.kind === 'coalesced'
          ? batch.entries.map((e) => e.payload.update.message?.text ?? '')
          : undefined,
      afterMessageId: Math.max(...batch.entries.map((e) => e.payload.update.message?.message_id ?? 0)),
      commit,
      ledger: batch.ledger,
      history: batch.history,
    });
    if (!scope.committed) {
      // Nothing was sent (an update the bot does not handle, or one already answered).
      await commitBatch(deps, { botId, chatId, updateId: head.updateId }, commit);
    }
    handling = scope.handling;
  } catch (err) {
    if (err instanceof RetryLaterError) {
      // Waiting out a Retry-After is not a failed attempt (the age limit above still bounds it).
      if (!err.afterFailure) await deps.ledger.uncountAttempt(ledgerKey(head.updateId));
      throw err;
    }
    if (!(err instanceof UnrecoverableError)) {
      // A transient failure (LLM down, Telegram 5xx, network): the update stays at the head of
      // the inbox, so order is kept, and the lane comes back after this update's own backoff.
      deps.logger.warn({ err, updateId: head.updateId, attempts }, 'update failed; retrying after backoff');
      throw new RetryLaterError(updateBackoffMs(attempts), (err as Error).message ?? String(err), {
        afterFailure: true,
      });
    }
    if (err instanceof ChatUnavailableError) {
      await deps.redis.set(deps.keys.chatInactive(botId, chatId), '1', 'EX', INACTIVE_TTL_SECONDS);
    }
    await deadLetter(deps, botId, chatId, batch, err.message);
    handling = 'dead_letter';
  }
  for (const entry of batch.entries) {
    const kind = entry.payload ? updateKind(entry.payload.update) : 'unknown';
    deps.metrics.updates.inc({ kind, handling });
  }
}

async function deadLetter(
  deps: WorkerDeps,
  botId: string,
  chatId: number,
  batch: Batch,
  reason: string,
): Promise<void> {
  for (const entry of batch.entries) {
    await deps.deadLetters.add({ botId, chatId, updateId: entry.updateId, reason, payload: entry.raw ?? '' });
  }
  const tx = deps.redis.multi();
  deps.inbox.removeIn(
    tx,
    botId,
    chatId,
    batch.entries.map((e) => e.updateId),
  );
  for (const entry of batch.entries)
    deps.ledger.finishAnyIn(tx, deps.keys.replyLedger(botId, chatId, entry.updateId));
  await execOrThrow(tx);
  deps.logger.warn(
    { botId, updateIds: batch.entries.map((e) => e.updateId), reason },
    'update moved to dead letters',
  );
}
