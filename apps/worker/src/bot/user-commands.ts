import type { BudgetReport, WindowUsage } from '@parley/limits';
import { Composer } from 'grammy';
import { forgetUser } from '../guard/forget-user';
import { replyOnce } from './reply-once';
import type { ParleyContext } from './update-scope';

/** /usage and /forget, in private chats. */
export function userCommands(): Composer<ParleyContext> {
  const bot = new Composer<ParleyContext>();
  const privateChat = bot.chatType('private');

  privateChat.command('usage', (ctx) =>
    replyOnce(ctx, 'command', async () => ({
      answer: usageText(await ctx.scope.deps.guard.budget.report(ctx.from.id)),
      kind: 'command',
    })),
  );

  // The erasure runs inside `decide`, which runs once per update: a retried /forget resends the
  // recorded answer instead of erasing (and counting) again.
  privateChat.command('forget', (ctx) =>
    replyOnce(ctx, 'command', async () => {
      const erased = await forgetUser(ctx.scope.deps, ctx.from.id);
      return {
        answer: [
          'Done. I have erased everything I kept about you:',
          `• our conversation (${erased.historyTurns} messages)`,
          `• answers cached from your questions (${erased.cachedAnswers})`,
          `• long-term memory (${erased.memoryKeys} records)`,
          '• your usage counters and rate limit',
        ].join('\n'),
        kind: 'command',
      };
    }),
  );
  return bot;
}

function usageText(report: BudgetReport): string {
  const line = (name: string, w: WindowUsage) =>
    w.limit === undefined
      ? `${name}: ${w.used + w.reserved} tokens used (no limit)`
      : `${name}: ${w.used + w.reserved} of ${w.limit} tokens used, ${w.left} left (resets ${iso(w.resetsAt)} UTC)`;
  return ['Your usage:', line('Today', report.daily), line('This month', report.monthly)].join('\n');
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
