import type { SentPart } from '@parley/conversation';
import { classifyTelegramError, formatForTelegram, sendTextSafely } from '@parley/telegram';
import { UnrecoverableError } from 'bullmq';
import { RetryLaterError } from './errors';
import { findUnrecordedSend } from './find-unrecorded-send';
import type { ParleyContext } from './update-scope';

/**
 * Sends the decided answer, part by part, recording each accepted part in the reply ledger
 * right away (one round trip), then commits the update with `commit`, which is given the last
 * part when this call sent it: that part's record travels with the commit (one atomic script),
 * so recording it and committing cost one round trip, not two.
 * A resumed attempt starts after the last recorded part, and first looks for a part an earlier
 * attempt sent but died before recording (see findUnrecordedSend), so neither a crash between
 * two parts nor one right after a send repeats a message.
 */
export async function deliverReply(
  ctx: ParleyContext,
  ledgerKey: string,
  answer: string,
  alreadySent: number,
  resumed: boolean,
  commit: (lastPart?: SentPart) => Promise<void>,
): Promise<void> {
  const { deps, job } = ctx.scope;
  const chatId = ctx.chat?.id;
  if (chatId === undefined) throw new UnrecoverableError('update has no chat to reply to');
  const sentKey = deps.keys.sentMessages(job.botId, chatId);
  // LLM Markdown becomes text plus entities, cut at 4096 without breaking an entity. The cut is a
  // pure function of the recorded answer, so a resumed attempt finds the same parts by index.
  const parts = formatForTelegram(answer);
  // Nothing left after formatting (blanks only): send as written, so Telegram's 400 surfaces.
  if (parts.length === 0) parts.push({ text: answer, entities: [], sourceOffset: 0 });
  let start = alreadySent;
  if (resumed && start < parts.length) {
    const afterId = ctx.scope.afterMessageId ?? ctx.msg?.message_id ?? 0;
    let found: number | undefined;
    try {
      found = await findUnrecordedSend(deps.api, deps.redis, sentKey, chatId, afterId);
    } catch (err) {
      throw toJobError(err);
    }
    if (found !== undefined) {
      deps.logger.info(
        { updateId: ctx.update.update_id, messageId: found },
        'found an unrecorded send; not repeating it',
      );
      await deps.ledger.markPartSent(ledgerKey, start + 1, found, sentKey);
      start++;
    }
  }
  let lastPart: SentPart | undefined;
  for (let i = start; i < parts.length; i++) {
    const part = parts[i] ?? { text: '', entities: [] };
    let messageId: number;
    try {
      // Entities rather than parse_mode: nothing to escape. Should Telegram still refuse them
      // (400 "can't parse entities"), sendTextSafely resends the part as plain text, so a
      // formatting problem can never lose a reply.
      const entities = part.entities.length > 0 ? { entities: part.entities } : {};
      const [id] = await sendTextSafely(deps.api, chatId, part.text, entities);
      if (id === undefined) throw new Error('Telegram returned no message id');
      messageId = id;
    } catch (err) {
      throw toJobError(err);
    }
    const sinceReceived = Math.max(0, Date.now() - job.receivedAt) / 1000;
    // First text the user can read vs. the whole answer delivered (they differ for split replies).
    if (i === 0 && !ctx.scope.firstTextShown) deps.metrics.updateToFirstText.observe(sinceReceived);
    if (i === parts.length - 1) deps.metrics.updateToReply.observe(sinceReceived);
    if (i === parts.length - 1) lastPart = { sentCount: i + 1, messageId, sentKey };
    else await deps.ledger.markPartSent(ledgerKey, i + 1, messageId, sentKey);
  }
  await commit(lastPart);
}

/** Telegram refuses to deliver to this chat (bot blocked, kicked, chat deleted): never retried. */
export class ChatUnavailableError extends UnrecoverableError {
  constructor(description: string) {
    super(`telegram refused the reply: ${description}`);
    this.name = 'ChatUnavailableError';
  }
}

/** Decides what a failed Bot API call means for the job. */
export function toJobError(err: unknown): unknown {
  const failure = classifyTelegramError(err);
  switch (failure?.kind) {
    case 'rate_limited':
      return new RetryLaterError(failure.retryAfterSeconds * 1000, failure.description);
    case 'forbidden':
      return new ChatUnavailableError(failure.description);
    case 'bad_request':
    case 'cannot_parse_entities':
      // Retrying cannot change Telegram's answer (bot blocked, chat gone, request invalid).
      return new UnrecoverableError(`telegram refused the reply: ${failure.description}`);
    default:
      return err;
  }
}
