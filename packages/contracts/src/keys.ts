/**
 * Every Redis key Parley writes, in one place. Keys of one chat share a hash tag
 * (`{bot:chat}`) so that they land in one Redis Cluster slot and can be used by one Lua script.
 */
export interface Keyspace {
  prefix: string;
  history(botId: string, chatId: number): string;
  replyLedger(botId: string, chatId: number, updateId: number): string;
  responseCache(botId: string, hash: string): string;
  botInfo(botId: string): string;
}

export function createKeyspace(prefix: string): Keyspace {
  const chat = (botId: string, chatId: number) => `${prefix}:{${botId}:${chatId}}`;
  return {
    prefix,
    history: (botId, chatId) => `${chat(botId, chatId)}:history`,
    replyLedger: (botId, chatId, updateId) => `${chat(botId, chatId)}:reply:${updateId}`,
    responseCache: (botId, hash) => `${prefix}:cache:${botId}:${hash}`,
    botInfo: (botId) => `${prefix}:bot:${botId}:me`,
  };
}
