import { classifyTelegramError, sendTextSafely, splitText } from '@parley/telegram';
import { UnrecoverableError } from 'bullmq';
import { RetryLaterError } from './errors';
import type { ParleyContext } from './update-scope';

/**
 * Sends the decided answer, part by part, recording each accepted part in the reply ledger
 * right away. A retried job starts after the last recorded part, so a crash between two parts
 * does not repeat the first. (The window between Telegram accepting a part and the ledger
 * recording it cannot be closed on this API; it is one Redis round trip wide.)
 */
export async function deliverReply(
  ctx: ParleyContext,
  ledgerKey: string,
  answer: string,
  alreadySent: number,
): Promise<void> {
  const { deps, job } = ctx.scope;
  const chatId = ctx.chat?.id;
  if (chatId === undefined) throw new UnrecoverableError('update has no chat to reply to');
  const parts = splitText(answer);
  for (let i = alreadySent; i < parts.length; i++) {
    const text = parts[i] ?? '';
    let messageId: number;
    try {
      // Plain text for now: LLM output is not valid Telegram markup. sendTextSafely falls back to
      // plain text on a parse error, so a formatting problem can never lose a reply.
      const [id] = await sendTextSafely(deps.api, chatId, text);
      if (id === undefined) throw new Error('Telegram returned no message id');
      messageId = id;
    } catch (err) {
      throw toJobError(err);
    }
    await deps.ledger.markPartSent(ledgerKey, i + 1, messageId);
    if (i === 0) deps.metrics.updateToReply.observe(Math.max(0, Date.now() - job.receivedAt) / 1000);
  }
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
