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
  /**
   * Set (with a TTL) while the chat has a lane job armed that has not started reading the inbox:
   * the gateway arms the lane only when it sets this marker, the lane deletes it before reading.
   */
  laneArmed(botId: string, chatId: number): string;
  /**
   * Sorted set `bot:chat` → when its inbox got work; the sweeper's index. This is the key of the
   * unsharded queue; with several queue shards each shard has its own (see `updateShardLayout`).
   */
  pendingLanes(): string;
  /** Stream of updates that could not be handled (kept bounded), for listing and replay. */
  deadLetters(): string;
  responseCache(botId: string, hash: string): string;
  botInfo(botId: string): string;
}

export interface KeyspaceOptions {
  /** The pending-lanes index this keyspace names (a queue shard's); the unsharded one by default. */
  pendingLanes?: string;
}

export function createKeyspace(prefix: string, opts: KeyspaceOptions = {}): Keyspace {
  const pendingLanes = opts.pendingLanes ?? `${prefix}:lanes:pending`;
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
    laneArmed: (botId, chatId) => `${chat(botId, chatId)}:armed`,
    pendingLanes: () => pendingLanes,
    deadLetters: () => `${prefix}:dead-letters`,
    responseCache: (botId, hash) => `${prefix}:cache:${botId}:${hash}`,
    botInfo: (botId) => `${prefix}:bot:${botId}:me`,
  };
}
