import { createHash } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';

/**
 * What has been done for one update, so that a retried or re-delivered job resumes instead of
 * repeating side effects. One Redis hash per update:
 *   answer  the text decided for the reply (first writer wins, so a retry sends the same text)
 *   kind    what produced it (llm, cache, command, fallback)
 *   sent    how many parts of the answer Telegram has accepted
 *   id:<n>  the message id of part n (earlier versions kept them all in `ids`, comma-separated)
 *   done    set once the reply and its history are committed
 *   attempts how many times handling this update started (bounds retries per update)
 *   batch   ids of the updates answered together with this one (coalesced), when it leads a batch
 *   coveredBy id of the update whose answer also answered this one
 *
 * The hash gets its lifetime once, when the first attempt begins (`begin`): 25 h from then
 * outlasts Telegram's 24 h re-delivery horizon, which started before that attempt. The writes of
 * an attempt (`decide`, `markPartSent`, `finishIn`) therefore leave the expiry alone instead of
 * paying an EXPIRE each; only writes that may create the hash (`coverIn`, `finish`) set it.
 */
export interface LedgerEntry {
  answer?: string;
  kind?: string;
  sent: number;
  messageIds: number[];
  done: boolean;
  attempts: number;
  batch?: number[];
}

export const LEDGER_TTL_SECONDS = 25 * 3_600;

/** Most recent bot message ids kept on record per chat. */
const SENT_RECORD_SIZE = 200;

/**
 * Lua for scripts that begin an attempt together with other reads (the worker's batch read):
 * `beginLedger(key, ttlSeconds)` counts the attempt, gives a new ledger its lifetime and returns
 * the hash as HGETALL does (read it with {@link parseLedger}).
 */
export const BEGIN_LEDGER_LUA = `
local function beginLedger(key, ttl)
  if redis.call('HINCRBY', key, 'attempts', 1) == 1 then redis.call('EXPIRE', key, ttl) end
  return redis.call('HGETALL', key)
end`;

const BEGIN = script(`${BEGIN_LEDGER_LUA}
return beginLedger(KEYS[1], ARGV[1])`);

// First writer wins; the reply says which answer is on record.
const DECIDE = script(`
if redis.call('HSETNX', KEYS[1], 'answer', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], 'kind', ARGV[2])
  return { ARGV[1], ARGV[2] }
end
return redis.call('HMGET', KEYS[1], 'answer', 'kind')`);

// The chat's record of bot messages is trimmed to its most recent SENT_RECORD_SIZE ids on about
// one send in eight, chosen by the message id (golden-ratio hashing spreads any sequence of ids,
// whatever their stride), so it holds a few more at times and most sends skip the trim.
// trimsSentRecord is the same test in TypeScript, for MULTIs.
const GOLDEN = 0.6180339887498949;
const TRIM_SHARE = 0.125;
export const TRIM_SENT_LUA = `
local function trimSent(key, messageId)
  local x = tonumber(messageId) * ${GOLDEN}
  if x - math.floor(x) < ${TRIM_SHARE} then
    redis.call('ZREMRANGEBYRANK', key, 0, -${SENT_RECORD_SIZE + 1})
  end
end`;

function trimsSentRecord(messageId: number): boolean {
  const x = messageId * GOLDEN;
  return x - Math.floor(x) < TRIM_SHARE;
}

const MARK_SENT = script(`${TRIM_SENT_LUA}
redis.call('HSET', KEYS[1], 'sent', ARGV[1], 'id:' .. ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
trimSent(KEYS[2], ARGV[2])
return 1`);

const RECORD_SENT = script(`${TRIM_SENT_LUA}
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
trimSent(KEYS[1], ARGV[1])
return 1`);

const CLAIM_BATCH = script(`
redis.call('HSETNX', KEYS[1], 'batch', ARGV[1])
return redis.call('HGET', KEYS[1], 'batch')`);

/** A part of the answer that Telegram accepted (see ReplyLedger.markPartSent). */
export interface SentPart {
  sentCount: number;
  messageId: number;
  sentKey: string;
}

export interface ReplyLedger {
  read(key: string): Promise<LedgerEntry>;
  /**
   * Begins an attempt at the update: counts it, gives a new ledger its lifetime and returns the
   * entry (with the new count), in one round trip.
   */
  begin(key: string): Promise<LedgerEntry>;
  /**
   * Records the answer unless one is already recorded; returns the recorded one. On a ledger
   * that `begin` created.
   */
  decide(key: string, answer: string, kind: string): Promise<{ answer: string; kind: string }>;
  /**
   * Records that Telegram accepted part `sentCount` of the answer as `messageId`, in the ledger and
   * in the chat's record of the bot's messages (`sentKey`), which lets a resumed attempt tell an
   * unrecorded send of its own apart from every message on record. On a ledger that `begin`
   * created.
   */
  markPartSent(key: string, sentCount: number, messageId: number, sentKey: string): Promise<void>;
  /** Adds a message the bot sent outside a reply (a notice) to the chat's record. */
  recordSent(sentKey: string, messageId: number): Promise<void>;
  /**
   * Adds "done" to a MULTI the caller executes (with the history append). On a ledger that
   * `begin` created. With `lastPart`, the same MULTI also records the answer's last part as
   * markPartSent does: recording the last send and committing the update then take one round
   * trip, not two.
   */
  finishIn(tx: ChainableCommander, key: string, lastPart?: SentPart): void;
  /**
   * Adds "done" and the ledger's lifetime to a MULTI, for a ledger no attempt may have begun
   * (e.g. a batch member moved to the dead letters).
   */
  finishAnyIn(tx: ChainableCommander, key: string): void;
  /** Finishes without other writes. */
  finish(key: string): Promise<void>;
  /** Takes back an attempt that only waited (a Retry-After), so waiting never uses up attempts. */
  uncountAttempt(key: string): Promise<void>;
  /** Records which updates are answered together, unless already recorded; returns the recorded ids. */
  claimBatch(key: string, updateIds: number[]): Promise<number[]>;
  /** Adds "done, answered by `leaderId`" for a batch member to a MULTI. */
  coverIn(tx: ChainableCommander, key: string, leaderId: number): void;
}

/** A ledger hash as HGETALL returns it (a field → value object, or ioredis' flat array from Lua). */
export function parseLedger(raw: Record<string, string> | readonly unknown[]): LedgerEntry {
  const h: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) h[String(raw[i])] = String(raw[i + 1]);
  } else {
    Object.assign(h, raw);
  }
  const sent = Number(h.sent ?? 0);
  const messageIds = h.ids ? h.ids.split(',').map(Number) : [];
  for (let part = messageIds.length + 1; part <= sent; part++) {
    const id = h[`id:${part}`];
    if (id !== undefined) messageIds.push(Number(id));
  }
  return {
    answer: h.answer,
    kind: h.kind,
    sent,
    messageIds,
    done: h.done === '1',
    attempts: Number(h.attempts ?? 0),
    batch: h.batch ? h.batch.split(',').map(Number) : undefined,
  };
}

export function createReplyLedger(redis: Redis, ttlSeconds = LEDGER_TTL_SECONDS): ReplyLedger {
  const ttl = String(ttlSeconds);
  return {
    async read(key) {
      return parseLedger(await redis.hgetall(key));
    },
    async begin(key) {
      const reply = await BEGIN(redis, [key], [ttl]);
      return parseLedger(Array.isArray(reply) ? reply : []);
    },
    async decide(key, answer, kind) {
      const reply = await DECIDE(redis, [key], [answer, kind]);
      const [recordedAnswer, recordedKind] = Array.isArray(reply) ? reply : [];
      return {
        answer: typeof recordedAnswer === 'string' ? recordedAnswer : answer,
        kind: typeof recordedKind === 'string' ? recordedKind : kind,
      };
    },
    async markPartSent(key, sentCount, messageId, sentKey) {
      // One script, one round trip: the window between Telegram accepting a message and it being
      // on record is what a crash can turn into a duplicate, so it is kept as short as possible.
      await MARK_SENT(redis, [key, sentKey], [String(sentCount), String(messageId), ttl]);
    },
    async recordSent(sentKey, messageId) {
      await RECORD_SENT(redis, [sentKey], [String(messageId), ttl]);
    },
    finishIn(tx, key, lastPart) {
      if (!lastPart) {
        tx.hset(key, 'done', '1');
        return;
      }
      const { sentCount, messageId, sentKey } = lastPart;
      tx.hset(key, 'sent', String(sentCount), `id:${sentCount}`, String(messageId), 'done', '1');
      tx.zadd(sentKey, messageId, String(messageId));
      tx.expire(sentKey, ttlSeconds);
      if (trimsSentRecord(messageId)) tx.zremrangebyrank(sentKey, 0, -(SENT_RECORD_SIZE + 1));
    },
    finishAnyIn(tx, key) {
      tx.hset(key, 'done', '1');
      tx.expire(key, ttlSeconds);
    },
    async finish(key) {
      await redis.multi().hset(key, 'done', '1').expire(key, ttlSeconds).exec();
    },
    async uncountAttempt(key) {
      await redis.hincrby(key, 'attempts', -1);
    },
    async claimBatch(key, updateIds) {
      const recorded = await CLAIM_BATCH(redis, [key], [updateIds.join(',')]);
      return typeof recorded === 'string' && recorded ? recorded.split(',').map(Number) : updateIds;
    },
    coverIn(tx, key, leaderId) {
      // A member's ledger may not exist yet: this write gives it its lifetime.
      tx.hset(key, 'done', '1', 'coveredBy', String(leaderId));
      tx.expire(key, ttlSeconds);
    },
  };
}

/** A Lua script run by its SHA1, sending the source only when Redis does not know it yet. */
function script(source: string): (redis: Redis, keys: string[], args: string[]) => Promise<unknown> {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(source, keys.length, ...keys, ...args);
    }
  };
}
