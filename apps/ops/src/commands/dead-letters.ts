import { updateJobSchema } from '@parley/contracts';
import { acceptUpdate } from '@parley/lanes';
import type { OpsContext } from '../ops-context';

export async function listDeadLetters(ctx: OpsContext, limit: number): Promise<number> {
  const letters = await ctx.deadLetters.list(limit);
  if (ctx.json) {
    ctx.out(JSON.stringify(letters.map(({ payload: _payload, ...rest }) => rest)));
    return 0;
  }
  if (letters.length === 0) {
    ctx.out('no dead letters');
    return 0;
  }
  for (const l of letters) {
    ctx.out(
      `${l.id}  ${new Date(l.at).toISOString()}  bot=${l.botId} chat=${l.chatId ?? '-'} update=${l.updateId}  ${l.reason}`,
    );
  }
  return 0;
}

/**
 * Puts dead-lettered updates back into their chat's inbox, as if Telegram had delivered them
 * again. Their reply-ledger entries are removed first, or the lane would skip them as answered.
 */
export async function replayDeadLetters(ctx: OpsContext, ids: string[] | 'all'): Promise<number> {
  const letters = await ctx.deadLetters.list(10_000);
  const chosen = ids === 'all' ? letters : letters.filter((l) => ids.includes(l.id));
  if (ids !== 'all') {
    const missing = ids.filter((id) => !letters.some((l) => l.id === id));
    for (const id of missing) ctx.out(`not found: ${id}`);
    if (missing.length) return 1;
  }
  let replayed = 0;
  let failed = 0;
  for (const letter of chosen) {
    let payload: unknown;
    try {
      payload = JSON.parse(letter.payload);
    } catch {
      payload = undefined;
    }
    const parsed = updateJobSchema.safeParse(payload);
    if (!parsed.success) {
      ctx.out(`cannot replay ${letter.id}: its payload is not a readable update`);
      failed++;
      continue;
    }
    if (letter.chatId !== null)
      await ctx.redis.del(ctx.keys.replyLedger(letter.botId, letter.chatId, letter.updateId));
    await acceptUpdate(ctx, { ...parsed.data, receivedAt: Date.now() });
    await ctx.deadLetters.remove(letter.id);
    replayed++;
  }
  ctx.out(`replayed ${replayed}${failed ? `, ${failed} could not be replayed` : ''}`);
  return failed ? 1 : 0;
}
