import { createHash } from 'node:crypto';
import { type UpdateJob, updateJobSchema } from '@parley/contracts';
import {
  BEGIN_LEDGER_LUA,
  LEDGER_TTL_SECONDS,
  type LedgerEntry,
  parseLedger,
  parseTurns,
  type Turn,
} from '@parley/conversation';
import type { InboxEntry } from '@parley/lanes';
import type { WorkerDeps } from '../deps';

/**
 * Everything a lane needs to start on the head of a chat's inbox, in one round trip (one Lua
 * script) instead of one per key: the first `limit` updates of the inbox with their payloads,
 * the head update's reply ledger with this attempt counted (see ReplyLedger.begin) and the
 * conversation's recent turns.
 *
 * The inbox is read as @parley/lanes stores it (a sorted set of update ids and a hash of their
 * payloads; the lane tests go through its writers). The ledger key is built inside the script
 * from the head's id, as BullMQ builds job keys in its own scripts: it carries the chat's hash
 * tag like the inbox keys, so on a Redis Cluster it lives in the same slot.
 *
 * KEYS[1] inbox, KEYS[2] inbox payloads, KEYS[3] history.
 * ARGV[1] how many updates, ARGV[2] ledger key without the update id, ARGV[3] ledger TTL in
 * seconds, ARGV[4] turns of history to read (0 = none).
 * Returns {} for an empty inbox, else { ids, payloads, ledger fields, history entries }.
 */
const READ_BATCH = `${BEGIN_LEDGER_LUA}
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #ids == 0 then return {} end
local payloads = redis.call('HMGET', KEYS[2], unpack(ids))
local ledger = beginLedger(ARGV[2] .. ids[1], ARGV[3])
local history = {}
local turns = tonumber(ARGV[4])
if turns > 0 then history = redis.call('LRANGE', KEYS[3], -turns, -1) end
return { ids, payloads, ledger, history }`;

const READ_BATCH_SHA = createHash('sha1').update(READ_BATCH).digest('hex');

export interface StartedBatch {
  entries: InboxEntry[];
  /** The head update's ledger, this attempt counted. */
  ledger: LedgerEntry;
  /** The conversation's recent turns (empty when history is off). */
  history: Turn[];
}

/** Reads the head of the chat's inbox and begins an attempt at its first update; undefined when empty. */
export async function readBatch(
  deps: WorkerDeps,
  botId: string,
  chatId: number,
  limit: number,
): Promise<StartedBatch | undefined> {
  const keys = [
    deps.keys.inbox(botId, chatId),
    deps.keys.inboxData(botId, chatId),
    deps.keys.history(botId, chatId),
  ];
  const args = [
    String(Math.max(1, limit)),
    ledgerKeyPrefix(deps, botId, chatId),
    String(LEDGER_TTL_SECONDS),
    String(deps.config.history.maxMessages),
  ];
  let reply: unknown;
  try {
    reply = await deps.redis.evalsha(READ_BATCH_SHA, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    reply = await deps.redis.eval(READ_BATCH, keys.length, ...keys, ...args);
  }
  if (!Array.isArray(reply) || reply.length === 0) return undefined;
  const [ids, payloads, ledger, history] = reply as [unknown[], unknown[], unknown[], unknown[]];
  return {
    entries: ids.map((id, i) => entryOf(Number(id), payloads[i])),
    ledger: parseLedger(ledger),
    history: parseTurns(history),
  };
}

/** An inbox entry from its stored payload; a payload this version cannot read stays undefined. */
function entryOf(updateId: number, stored: unknown): InboxEntry {
  const raw = typeof stored === 'string' ? stored : null;
  let payload: UpdateJob | undefined;
  if (raw) {
    try {
      const parsed = updateJobSchema.safeParse(JSON.parse(raw));
      if (parsed.success) payload = parsed.data;
    } catch {
      payload = undefined;
    }
  }
  return { updateId, payload, raw };
}

/** The ledger key of the chat's update N is this prefix followed by N. */
function ledgerKeyPrefix(deps: WorkerDeps, botId: string, chatId: number): string {
  const prefix = deps.keys.replyLedger(botId, chatId, 0).slice(0, -1);
  // The script builds the key itself: fail loudly if the keyspace ever builds it differently.
  if (deps.keys.replyLedger(botId, chatId, 1234) !== `${prefix}1234`)
    throw new Error('reply ledger keys no longer end with the update id');
  return prefix;
}
