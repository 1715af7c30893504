import { z } from 'zod';
import { badRequest } from './api-error';
import type { MethodHandler } from './method-context';
import type { BotCommand } from './telegram-types';

const botCommand = z.object({ command: z.string(), description: z.string() });

/** Commands are kept per scope and language, like Telegram's. */
function scopeKey(params: Record<string, unknown>): string {
  const scope = params.scope ?? { type: 'default' };
  const language = typeof params.language_code === 'string' ? params.language_code : '';
  return `${JSON.stringify(scope)}|${language}`;
}

/** setMyCommands, getMyCommands, deleteMyCommands, and answerCallbackQuery (accepted as is). */
export const commandMethods: Record<string, MethodHandler> = {
  setMyCommands: ({ bot }, params) => {
    const parsed = z.array(botCommand).max(100).safeParse(params.commands);
    if (!parsed.success) throw badRequest("can't parse commands JSON object");
    const commands: BotCommand[] = [];
    for (const { command, description } of parsed.data) {
      const name = command.replace(/^\//, '');
      if (!/^[a-z0-9_]{1,32}$/.test(name)) throw badRequest('BOT_COMMAND_INVALID');
      if (description.trim() === '' || description.length > 256) {
        throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
      commands.push({ command: name, description });
    }
    if (commands.length === 0) bot.commands.delete(scopeKey(params));
    else bot.commands.set(scopeKey(params), commands);
    return true;
  },
  getMyCommands: ({ bot }, params) => bot.commands.get(scopeKey(params)) ?? [],
  deleteMyCommands: ({ bot }, params) => {
    bot.commands.delete(scopeKey(params));
    return true;
  },
  // Callback queries are injected as raw updates; answering one only has to succeed.
  answerCallbackQuery: () => true,
};
