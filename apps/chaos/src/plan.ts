import type { Random } from './random';

/** Chat i is the private chat (and user) 10_000_000 + i. */
export const CHAT_ID_BASE = 10_000_000;
export const chatIdOf = (chatIndex: number): number => CHAT_ID_BASE + chatIndex;

/** `c<chat index>m<seq>`: unique per message, quoted back by the simulator's answer. */
export const tokenOf = (chatIndex: number, seq: number): string => `c${chatIndex}m${seq}`;
export const TOKEN_PATTERN = /\bc(\d+)m(\d+)\b/g;

export interface PlannedMessage {
  chatIndex: number;
  chatId: number;
  /** 1, 2, ... per chat, in sending order. */
  seq: number;
  token: string;
  text: string;
}

export interface ChatPlan {
  chatIndex: number;
  /** Each turn is one message, or a burst of 2–3 sent back to back. */
  turns: PlannedMessage[][];
}

/**
 * Short phrases after the token: none of them triggers a special answer of the simulator (names,
 * "remember", greetings, "what did I say"), and short texts keep several coalesced messages
 * inside the 200 characters the simulator quotes.
 */
const PHRASES = [
  'tell me something',
  'how does that work',
  'any ideas?',
  'go on',
  'why so?',
  'and then?',
  'explain briefly',
  'ok, thanks',
  'interesting',
  'what next?',
];

/** Spreads `updates` messages over `chats` chats (the first chats get one more when uneven). */
export function makePlan(updates: number, chats: number, burstShare: number, random: Random): ChatPlan[] {
  const plans: ChatPlan[] = [];
  const base = Math.floor(updates / chats);
  const extra = updates % chats;
  for (let chatIndex = 0; chatIndex < chats; chatIndex++) {
    const count = base + (chatIndex < extra ? 1 : 0);
    const turns: PlannedMessage[][] = [];
    let seq = 1;
    while (seq <= count) {
      const left = count - seq + 1;
      const size = left >= 2 && random.chance(burstShare) ? Math.min(left, random.int(2, 3)) : 1;
      const turn: PlannedMessage[] = [];
      for (let k = 0; k < size; k++, seq++) {
        const token = tokenOf(chatIndex, seq);
        turn.push({
          chatIndex,
          chatId: chatIdOf(chatIndex),
          seq,
          token,
          text: `${token} ${random.pick(PHRASES) ?? 'go on'}`,
        });
      }
      turns.push(turn);
    }
    plans.push({ chatIndex, turns });
  }
  return plans;
}
