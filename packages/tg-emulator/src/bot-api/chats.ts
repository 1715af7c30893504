import { requireChat } from './messages';
import type { MethodHandler } from './method-context';

/** getChat: a ChatFullInfo for chats the bot knows (any chat that wrote to it). */
export const chatMethods: Record<string, MethodHandler> = {
  getChat: (ctx, params) => {
    const { chat } = requireChat(ctx, params);
    return {
      ...chat,
      accent_color_id: Math.abs(chat.id) % 7,
      max_reaction_count: 11,
      accepted_gift_types: {
        unlimited_gifts: false,
        limited_gifts: false,
        unique_gifts: false,
        premium_subscription: false,
        gifts_from_channels: false,
      },
    };
  },
};
