import type { MethodHandler } from './method-context';

/** getMe, logOut, close. */
export const botInfoMethods: Record<string, MethodHandler> = {
  getMe: ({ bot }) => bot.user,
  // Telegram answers close with 429 during the first 10 minutes after launch; the emulator never does.
  logOut: () => true,
  close: () => true,
};
