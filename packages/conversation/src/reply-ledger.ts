import type { ChainableCommander, Redis } from 'ioredis';

/**
 * What has been done for one update, so that a retried or re-delivered job resumes instead of
 * repeating side effects. One Redis hash per update:
 *   answer  the text decided for the reply (first writer wins, so a retry sends the same text)
 *   kind    what produced it (llm, cache, command, fallback)
 *   sent    how many parts of the answer Telegram has accepted
 *   ids     their message ids
 *   done    set once the reply and its history are committed
 *   attempts how many times handling this update started (bounds retries per update)
 *   batch   ids of the updates answered together with this one (coalesced), when it leads a batch
 *   coveredBy id of the update whose answer also answered this one
 * Kept longer than Telegram's 24 h re-delivery horizon.
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

const RECORD_SENT = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -${SENT_RECORD_SIZE + 1})
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`;

const MARK_SENT = `
redis.call('HSET', KEYS[1], 'sent', ARGV[1])
local ids = redis.call('HGET', KEYS[1], 'ids')
if ids and ids ~= '' then ids = ids .. ',' .. ARGV[2] else ids = ARGV[2] end
redis.call('HSET', KEYS[1], 'ids', ids)
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -${SENT_RECORD_SIZE + 1})
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1`;

export interface ReplyLedger {
  read(key: string): Promise<LedgerEntry>;
  /** Records the answer unless one is already recorded; returns the recorded one. */
  decide(key: string, answer: string, kind: string): Promise<{ answer: string; kind: string }>;
  /**
   * Records that Telegram accepted part `sentCount` of the answer as `messageId`, in the ledger and
   * in the chat's record of the bot's messages (`sentKey`), which lets a resumed attempt tell an
   * unrecorded send of its own apart from every message on record.
   */
  markPartSent(key: string, sentCount: number, messageId: number, sentKey: string): Promise<void>;
  /** Adds a message the bot sent outside a reply (a notice) to the chat's record. */
  recordSent(sentKey: string, messageId: number): Promise<void>;
  /** Adds "done" to a MULTI the caller executes (with the history append). */
  finishIn(tx: ChainableCommander, key: string): void;
  /** Finishes without other writes. */
  finish(key: string): Promise<void>;
  /** Counts one more attempt at handling the update and returns the count. */
  countAttempt(key: string): Promise<number>;
  /** Takes back an attempt that only waited (a Retry-After), so waiting never uses up attempts. */
  uncountAttempt(key: string): Promise<void>;
  /** Records which updates are answered together, unless already recorded; returns the recorded ids. */
  claimBatch(key: string, updateIds: number[]): Promise<number[]>;
  /** Adds "done, answered by `leaderId`" for a batch member to a MULTI. */
  coverIn(tx: ChainableCommander, key: string, leaderId: number): void;
}

export function createReplyLedger(redis: Redis, ttlSeconds = LEDGER_TTL_SECONDS): ReplyLedger {
  return {
    async read(key) {
      const h = await redis.hgetall(key);
      return {
        answer: h.answer,
        kind: h.kind,
        sent: Number(h.sent ?? 0),
        messageIds: h.ids ? h.ids.split(',').map(Number) : [],
        done: h.done === '1',
        attempts: Number(h.attempts ?? 0),
        batch: h.batch ? h.batch.split(',').map(Number) : undefined,
      };
    },
    async decide(key, answer, kind) {
      const results = await redis
        .multi()
        .hsetnx(key, 'answer', answer)
        .hsetnx(key, 'kind', kind)
        .hmget(key, 'answer', 'kind')
        .expire(key, ttlSeconds)
        .exec();
      const current = results?.[2]?.[1] as [string | null, string | null] | undefined;
      return { answer: current?.[0] ?? answer, kind: current?.[1] ?? kind };
    },
    async markPartSent(key, sentCount, messageId, sentKey) {
      // One script, one round trip: the window between Telegram accepting a message and it being
      // on record is what a crash can turn into a duplicate, so it is kept as short as possible.
      await redis.eval(MARK_SENT, 2, key, sentKey, String(sentCount), String(messageId), String(ttlSeconds));
    },
    async recordSent(sentKey, messageId) {
      await redis.eval(RECORD_SENT, 1, sentKey, String(messageId), String(ttlSeconds));
    },
    finishIn(tx, key) {
      tx.hset(key, 'done', '1');
      tx.expire(key, ttlSeconds);
    },
    async finish(key) {
      await redis.multi().hset(key, 'done', '1').expire(key, ttlSeconds).exec();
    },
    async countAttempt(key) {
      const results = await redis.multi().hincrby(key, 'attempts', 1).expire(key, ttlSeconds).exec();
      return Number(results?.[0]?.[1] ?? 1);
    },
    async uncountAttempt(key) {
      await redis.hincrby(key, 'attempts', -1);
    },
    async claimBatch(key, updateIds) {
      const results = await redis
        .multi()
        .hsetnx(key, 'batch', updateIds.join(','))
        .hget(key, 'batch')
        .expire(key, ttlSeconds)
        .exec();
      const recorded = results?.[1]?.[1];
      return typeof recorded === 'string' && recorded ? recorded.split(',').map(Number) : updateIds;
    },
    coverIn(tx, key, leaderId) {
      tx.hset(key, 'done', '1', 'coveredBy', String(leaderId));
      tx.expire(key, ttlSeconds);
    },
  };
}
