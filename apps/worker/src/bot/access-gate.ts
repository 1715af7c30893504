import type { MiddlewareFn } from 'grammy';
import { isAdmin, isAllowed } from '../guard/access';
import { replyOnce } from './reply-once';
import { texts } from './texts';
import type { ParleyContext } from './update-scope';

/** Commands anyone may use whatever their access: erasing one's data is never refused. */
const ALWAYS_ALLOWED = /^\/forget(@\w+)?(\s|$)/;

/**
 * Runs before every handler of a user's message: blocked users and users not on the allowlist
 * are refused, and the per-user rate limit is applied. A refusal is answered politely at most
 * once per interval (the notice gate, shared by every pod); other refused messages are dropped
 * silently, so a refused user cannot make the bot send one message per message they send.
 */
export const accessGate: MiddlewareFn<ParleyContext> = async (ctx, next) => {
  const from = ctx.from;
  if (!ctx.message || !from || from.is_bot) return next();
  const { deps } = ctx.scope;
  // A retry of an update whose answer is already decided only finishes delivering it.
  if (ctx.scope.ledger?.answer !== undefined) return next();
  const { guard } = deps;
  const sender = { id: from.id, username: from.username };
  if (isAdmin(guard.settings, sender) || ALWAYS_ALLOWED.test(ctx.message.text ?? '')) return next();

  if ((await deps.redis.sismember(guard.blockedKey, String(from.id))) === 1)
    return refuse(ctx, 'blocked', texts.blocked);
  if (!isAllowed(guard.settings, sender)) return refuse(ctx, 'not-allowed', texts.notAllowed);

  if (guard.rate) {
    // Coalesced messages each count: the limit is on messages, not on answers.
    const count = Math.max(1, ctx.scope.batchTexts?.length ?? 1);
    const first = await guard.rate.hit(from.id);
    let notify = first.notify;
    for (let i = 1; i < count; i++) notify = (await guard.rate.hit(from.id)).notify || notify;
    if (!first.allowed) {
      ctx.scope.handling = 'refused';
      if (!notify) return;
      return replyOnce(ctx, 'refused', async () => ({
        answer: texts.rateLimited(first.retryAfterMs),
        kind: 'refused',
      }));
    }
  }
  return next();
};

async function refuse(ctx: ParleyContext, kind: string, text: string): Promise<void> {
  const { guard } = ctx.scope.deps;
  ctx.scope.handling = 'refused';
  if (!(await guard.notices.shouldNotify(ctx.from?.id ?? 0, kind))) return;
  await replyOnce(ctx, 'refused', async () => ({ answer: text, kind: 'refused' }));
}
