import { Composer } from 'grammy';
import type { WorkerDeps } from '../deps';
import { isAdmin } from '../guard/access';
import { replyOnce } from './reply-once';
import type { ParleyContext } from './update-scope';

/**
 * Commands of the ids in ADMIN_USER_IDS, in private chats: /admin_usage [user id], /block <id>,
 * /unblock <id>, /purge_cache. Anyone else sending them gets no answer (the commands are not
 * advertised, and answering would confirm they exist).
 */
const ADMIN_COMMANDS = ['admin_usage', 'block', 'unblock', 'purge_cache'] as const;

export function adminCommands(): Composer<ParleyContext> {
  const bot = new Composer<ParleyContext>();
  const admin = bot
    .chatType('private')
    .filter((ctx) => ctx.from !== undefined && isAdmin(ctx.scope.deps.guard.settings, { id: ctx.from.id }));

  const command = (
    name: (typeof ADMIN_COMMANDS)[number],
    run: (deps: WorkerDeps, arg: string) => Promise<string>,
  ) =>
    admin.command(name, (ctx) =>
      replyOnce(ctx, 'command', async () => ({
        answer: await run(ctx.scope.deps, ctx.match.trim()),
        kind: 'command',
      })),
    );

  command('admin_usage', async (deps, arg) => {
    const { guard, redis } = deps;
    const lines = [`Blocked users: ${await redis.scard(guard.blockedKey)}`];
    if (guard.provider) lines.push(`Provider wait now: ${await guard.provider.peekWaitMs(1)} ms`);
    if (/^\d+$/.test(arg)) {
      const r = await guard.budget.report(Number(arg));
      lines.push(
        `User ${arg}: today ${r.daily.used} tokens (+${r.daily.reserved} in flight), this month ${r.monthly.used}`,
      );
    } else lines.push('Send /admin_usage <user id> for one user.');
    return lines.join('\n');
  });
  command('block', async (deps, arg) => {
    if (!/^\d+$/.test(arg)) return 'Usage: /block <user id>';
    await deps.redis.sadd(deps.guard.blockedKey, arg);
    return `User ${arg} is blocked.`;
  });
  command('unblock', async (deps, arg) => {
    if (!/^\d+$/.test(arg)) return 'Usage: /unblock <user id>';
    const removed = await deps.redis.srem(deps.guard.blockedKey, arg);
    return removed ? `User ${arg} is unblocked.` : `User ${arg} was not blocked.`;
  });
  command('purge_cache', async (deps) => `Removed ${await purgeCache(deps)} cached answers.`);
  // Not an admin: swallowed here, so the command is not sent to the LLM as a question either.
  bot.chatType('private').command([...ADMIN_COMMANDS], () => {});
  return bot;
}

/** Deletes the bot's exact-match cache entries (SCAN, so Redis is never blocked; every master). */
async function purgeCache(deps: WorkerDeps): Promise<number> {
  const match = deps.keys.responseCache(deps.config.botId, '*');
  const cluster = (deps.redis as unknown as { isCluster?: boolean }).isCluster === true;
  const nodes = cluster
    ? (deps.redis as unknown as { nodes(role: string): WorkerDeps['redis'][] }).nodes('master')
    : [deps.redis];
  let removed = 0;
  for (const node of nodes) {
    for await (const batch of node.scanStream({ match, count: 1_000 }) as AsyncIterable<string[]>)
      for (const key of batch) removed += await deps.redis.unlink(key);
  }
  return removed;
}
