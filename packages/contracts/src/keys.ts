/**
 * Every Redis key Parley writes, in one place. Keys of one chat share a hash tag
 * (`{bot:chat}`) so that they land in one Redis Cluster slot and can be used by one Lua script.
 */
export interface Keyspace {
  prefix: string;
  history(botId: string, chatId: number): string;
  replyLedger(botId: string, chatId: number, updateId: number): string;
  /** Sorted set of a chat's pending update ids (score = update id: Telegram's order). */
  inbox(botId: string, chatId: number): string;
  /** Hash update id → accepted payload (JSON) for the inbox. */
  inboxData(botId: string, chatId: number): string;
  /** Sorted set of the bot's message ids in a chat that are on record (recent ones only). */
  sentMessages(botId: string, chatId: number): string;
  /** Set while a chat cannot be written to (bot blocked, chat deleted). */
  chatInactive(botId: string, chatId: number): string;
  /** Set when a chat was told "busy, queued", so it is told once. */
  busyNotice(botId: string, chatId: number): string;
  /** Sorted set `bot:chat` → when its inbox got work; the sweeper's index. */
  pendingLanes(): string;
  /** Stream of updates that could not be handled (kept bounded), for listing and replay. */
  deadLetters(): string;
  responseCache(botId: string, hash: string): string;
  botInfo(botId: string): string;
}

export function createKeyspace(prefix: string): Keyspace {
  const chat = (botId: string, chatId: number) => `${prefix}:{${botId}:${chatId}}`;
  return {
    prefix,
    history: (botId, chatId) => `${chat(botId, chatId)}:history`,
    replyLedger: (botId, chatId, updateId) => `${chat(botId, chatId)}:reply:${updateId}`,
    inbox: (botId, chatId) => `${chat(botId, chatId)}:inbox`,
    inboxData: (botId, chatId) => `${chat(botId, chatId)}:inbox-data`,
    sentMessages: (botId, chatId) => `${chat(botId, chatId)}:sent`,
    chatInactive: (botId, chatId) => `${chat(botId, chatId)}:inactive`,
    busyNotice: (botId, chatId) => `${chat(botId, chatId)}:busy-notice`,
    pendingLanes: () => `${prefix}:lanes:pending`,
    deadLetters: () => `${prefix}:dead-letters`,
    responseCache: (botId, hash) => `${prefix}:cache:${botId}:${hash}`,
    botInfo: (botId) => `${prefix}:bot:${botId}:me`,
  };
}
