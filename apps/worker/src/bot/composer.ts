import { Composer } from 'grammy';
import { accessGate } from './access-gate';
import { adminCommands } from './admin-commands';
import { answerPhoto, imageOf } from './answer-photo';
import { answerVoice, showTranscript } from './answer-voice';
import { answerWithLlm } from './answer-with-llm';
import { replyOnce } from './reply-once';
import { texts } from './texts';
import { transcriptKey } from './transcripts';
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
      await deps.redis.del(transcriptKey(deps, ctx.chat.id));
      return { answer: texts.reset, kind: 'command' };
    }),
  );

  privateChat.command('transcript', showTranscript);
  privateChat.on('message:text', (ctx) => answerWithLlm(ctx, ctx.msg.text));
  privateChat.on(['message:voice', 'message:audio'], answerVoice);
  // Photos and image documents (other documents fall through as ignored).
  privateChat.on(['message:photo', 'message:document'], (ctx, next) =>
    imageOf(ctx) ? answerPhoto(ctx) : next(),
  );
  return bot;
}
