import { Composer } from 'grammy';
import { accessGate } from './access-gate';
import { adminCommands } from './admin-commands';
import { answerWithLlm } from './answer-with-llm';
import { replyOnce } from './reply-once';
import { texts } from './texts';
import type { ParleyContext } from './update-scope';
import { userCommands } from './user-commands';

/**
 * The bot's behaviour. Anything no handler takes falls through and is counted as ignored
 * (stickers, edits, callbacks, channel posts, and group chats for now). The access gate runs
 * first: blocked, not allowed and rate-limited users go no further.
 */
export function createBotComposer(): Composer<ParleyContext> {
  const bot = new Composer<ParleyContext>();
  bot.use(accessGate);
  bot.use(adminCommands());
  bot.use(userCommands());
  const privateChat = bot.chatType('private');

  privateChat.command(['start', 'help'], (ctx) =>
    replyOnce(ctx, 'command', async () => ({
      answer: texts.help(ctx.scope.deps.config.history.maxMessages),
      kind: 'command',
    })),
  );

  privateChat.command('reset', (ctx) =>
    replyOnce(ctx, 'command', async () => {
      const { deps, job } = ctx.scope;
      await deps.history.clear(deps.keys.history(job.botId, ctx.chat.id));
      return { answer: texts.reset, kind: 'command' };
    }),
  );

  privateChat.on('message:text', (ctx) => answerWithLlm(ctx, ctx.msg.text));
  return bot;
}
