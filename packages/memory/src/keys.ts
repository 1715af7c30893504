/**
 * Key names of a conversation's memory. They carry the chat's hash tag `{<bot>:<chat>}`, the same
 * as the history, inbox and reply ledger of the keyspace in @parley/contracts, so on a Redis
 * Cluster they sit in the history's slot: the spill script reads the history list in the
 * worker's MULTI, and one DEL erases them all. They also match the chat's pattern
 * `<prefix>:{<bot>:<chat>}:*`, which the operators' "forget user" already deletes.
 */

/** One conversation: a chat of a bot (in a private chat the chat id is the user's id). */
export interface ConversationRef {
  botId: string;
  chatId: number;
}

export interface MemoryKeys {
  /** List of turns that left the history window and are not folded yet (JSON, oldest first). */
  pending: string;
  /** Hash: `epoch`, `seq` (last spilled turn), `summary`, `summaryThrough`, `dropped`. */
  state: string;
  /** Hash: memory id → JSON `{ turns, firstSeq, lastSeq }`. */
  entries: string;
  /** Hash: memory id → unit vector as little-endian float32 bytes. */
  vectors: string;
  /** Sorted set: memory id → time it was stored (Redis ms); retention and eviction order. */
  order: string;
  /** String with PX: the process folding this conversation now. */
  lock: string;
}

const BOT_ID = /^[a-z0-9_-]{1,32}$/;
const PREFIX = /^[^{}\s]{1,64}$/;

function checkConversation(prefix: string, conv: ConversationRef): void {
  // A brace would end the hash tag early and scatter one conversation over several slots.
  if (!PREFIX.test(prefix))
    throw new RangeError('keyPrefix must be 1-64 characters without braces or spaces');
  if (!BOT_ID.test(conv.botId))
    throw new RangeError(`botId must be 1-32 of a-z 0-9 _ - (got "${conv.botId}")`);
  if (!Number.isSafeInteger(conv.chatId))
    throw new RangeError(`chatId must be a safe integer (got ${conv.chatId})`);
}

/** The hash tag of a conversation, as the keyspace writes it. */
export function conversationTag(conv: ConversationRef): string {
  return `{${conv.botId}:${conv.chatId}}`;
}

export function memoryKeys(keyPrefix: string, conv: ConversationRef): MemoryKeys {
  checkConversation(keyPrefix, conv);
  const base = `${keyPrefix}:${conversationTag(conv)}:memory`;
  return {
    pending: `${base}:pending`,
    state: `${base}:state`,
    entries: `${base}:entries`,
    vectors: `${base}:vectors`,
    order: `${base}:order`,
    lock: `${base}:lock`,
  };
}

/** A SCAN pattern that finds every memory key of the conversation (for audits; DEL needs none). */
export function memoryKeysMatch(keyPrefix: string, conv: ConversationRef): string {
  checkConversation(keyPrefix, conv);
  return `${keyPrefix}:${conversationTag(conv)}:memory:*`;
}

/** The hash tag of any key (the first `{…}` with something inside), or the whole key. */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

/** Ids are zero-padded sequence numbers, so Redis' lexicographic order is their numeric order. */
export function memoryId(firstSeq: number): string {
  return String(firstSeq).padStart(12, '0');
}
