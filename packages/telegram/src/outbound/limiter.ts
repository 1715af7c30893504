import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PAUSE_SCRIPT, RESERVE_SCRIPT } from './gcra-script';

/** A Bot API `chat_id`: a number, or `@username` of a public channel or supergroup. */
export type OutboundChatId = number | string;

export interface OutboundLimiterOptions {
  /** First part of every key; keys look like `${keyPrefix}:tg:{botId}:...`. */
  keyPrefix: string;
  /**
   * The bot whose limits these are. Every pod sending as this bot must use the same value (and
   * Redis), otherwise each counts its own sends and together they exceed Telegram's limits.
   */
  botId: string;
  /**
   * Messages per second for the whole bot. Telegram's free limit is about 30; bots with paid
   * broadcasts may raise it up to 1000. Enforced in slots of about 100 ms holding a tenth of it
   * each (30/s: 3 sends per 100 ms), so no second sees much more than this rate.
   * @defaultValue 30
   */
  globalPerSecond?: number;
  /** Sustained messages per second into one chat. @defaultValue 1 */
  perChatPerSecond?: number;
  /**
   * Messages that may go to one chat at once (an answer split in parts, typing then text) before
   * the per-chat rate applies. @defaultValue 3
   */
  perChatBurst?: number;
  /**
   * Messages per minute into one group, supergroup or channel (negative chat ids and
   * `@usernames`), on top of the per-chat limit. @defaultValue 20
   */
  perGroupPerMinute?: number;
  /**
   * Messages that may go to one group at once. Above 1 a full minute may see
   * `perGroupPerMinute + perGroupBurst - 1` messages; set 1 for a strict count. @defaultValue 3
   */
  perGroupBurst?: number;
  /** 429s on this many different chats within `floodWindowMs` pause the whole bot. @defaultValue 3 */
  floodChats?: number;
  /** The window of `floodChats`. @defaultValue 1000 */
  floodWindowMs?: number;
}

export interface OutboundLimiter {
  /**
   * Reserves a send slot for `chatId` (undefined: a send without a chat, e.g. an inline message
   * edit, which only counts against the bot): returns the ms to wait before sending, 0 = now.
   * Considers the chat's and the bot's pauses and the per-chat, per-group and global rates, all
   * in one Lua script call, so that concurrent pods never book the same slot.
   *
   * With `maxWaitMs`, a wait longer than that books nothing and the caller must not send: the
   * returned wait is then when a slot would be free if nobody else took it. Without it, a send
   * for which no bot-wide slot is free within a minute of the chat's own limits is not booked
   * either (the wait returned is then over a minute).
   *
   * @param now - the current time in ms; by default Redis' clock (one clock for all pods).
   */
  reserve(chatId: OutboundChatId | undefined, now?: number, maxWaitMs?: number): Promise<number>;
  /**
   * Records a 429 for `chatId`: every pod stops sending to that chat for `retryAfterSeconds`.
   * When 429s hit `floodChats` different chats within `floodWindowMs` (or the 429 has no chat),
   * the whole bot pauses too. Existing longer pauses are kept.
   */
  pause(chatId: OutboundChatId | undefined, retryAfterSeconds: number): Promise<void>;
  /** Remaining ms of the chat's or the bot's pause, whichever is longer (0 when not paused). */
  pausedFor(chatId: OutboundChatId | undefined): Promise<number>;
}

interface Limit {
  intervalMs: number;
  toleranceMs: number;
}

/** Without a maximum wait, how far `reserve` looks for a free bot-wide slot. */
const GLOBAL_SCAN_HORIZON_MS = 60_000;

/** Telegram limits shared by every pod of a bot through Redis. */
export function createOutboundLimiter(redis: Redis, opts: OutboundLimiterOptions): OutboundLimiter {
  const global = globalSlots(opts.globalPerSecond ?? 30);
  const chatLimit = limit('perChatPerSecond', opts.perChatPerSecond ?? 1, 1_000, opts.perChatBurst ?? 3);
  const groupLimit = limit(
    'perGroupPerMinute',
    opts.perGroupPerMinute ?? 20,
    60_000,
    opts.perGroupBurst ?? 3,
  );
  const floodChats = opts.floodChats ?? 3;
  const floodWindowMs = opts.floodWindowMs ?? 1_000;

  // One hash tag per bot: the scripts touch the chat's and the bot-wide keys together, which
  // Redis Cluster only allows within one slot.
  const base = `${opts.keyPrefix}:tg:{${opts.botId}}`;
  const keys = {
    globalPause: `${base}:pause`,
    globalSlots: `${base}:slots`,
    flood: `${base}:flood`,
    chatPause: (chat: string) => `${base}:chat:${chat}:pause`,
    chatRate: (chat: string) => `${base}:chat:${chat}:rate`,
    groupRate: (chat: string) => `${base}:chat:${chat}:group-rate`,
  };

  const reserveScript = luaScript(redis, RESERVE_SCRIPT);
  const pauseScript = luaScript(redis, PAUSE_SCRIPT);

  return {
    async reserve(chatId, now, maxWaitMs) {
      const chat = normalizeChatId(chatId);
      const scriptKeys = [keys.globalPause, keys.globalSlots];
      const args: (string | number)[] = [
        now === undefined ? '' : now,
        maxWaitMs === undefined ? '' : maxWaitMs,
        global.slotMs,
        global.capacity,
        GLOBAL_SCAN_HORIZON_MS,
      ];
      if (chat !== undefined) {
        scriptKeys.push(keys.chatPause(chat.key), keys.chatRate(chat.key));
        args.push(chatLimit.intervalMs, chatLimit.toleranceMs);
        if (chat.isGroup) {
          scriptKeys.push(keys.groupRate(chat.key));
          args.push(groupLimit.intervalMs, groupLimit.toleranceMs);
        }
      }
      const result = await reserveScript(scriptKeys, args);
      const wait = Array.isArray(result) ? Number(result[0]) : Number.NaN;
      if (!Number.isFinite(wait))
        throw new Error(`unexpected reply from the reserve script: ${String(result)}`);
      return wait;
    },

    async pause(chatId, retryAfterSeconds) {
      const ms = Math.ceil(retryAfterSeconds * 1_000);
      if (!(ms > 0)) return; // retry_after 0 (or garbage): nothing to wait for
      const chat = normalizeChatId(chatId);
      const scriptKeys = [keys.globalPause, keys.flood];
      if (chat !== undefined) scriptKeys.push(keys.chatPause(chat.key));
      await pauseScript(scriptKeys, [ms, chat?.key ?? '', floodChats, floodWindowMs]);
    },

    async pausedFor(chatId) {
      const chat = normalizeChatId(chatId);
      // One round trip for both pauses.
      const pipeline = redis.pipeline().pttl(keys.globalPause);
      if (chat !== undefined) pipeline.pttl(keys.chatPause(chat.key));
      const replies = (await pipeline.exec()) ?? [];
      const ttls = replies.map(([err, ttl]) => {
        if (err) throw err;
        return Number(ttl);
      });
      // PTTL answers -2 for a missing key.
      return Math.max(0, ...ttls);
    },
  };
}

/**
 * Slots of about 100 ms holding `perSecond / 10` sends each (at least one send, so slow rates get
 * longer slots): a second overlaps at most 11 slots, so it never sees more than about 10 % over
 * the rate, while a burst of sends is spread over the second instead of queued one by one.
 */
function globalSlots(perSecond: number): { slotMs: number; capacity: number } {
  if (!(perSecond > 0) || !Number.isFinite(perSecond))
    throw new RangeError('globalPerSecond must be a positive number');
  const capacity = Math.max(1, Math.round(perSecond / 10));
  return { slotMs: (1_000 * capacity) / perSecond, capacity };
}

function limit(name: string, perPeriod: number, periodMs: number, burst: number): Limit {
  if (!(perPeriod > 0) || !Number.isFinite(perPeriod))
    throw new RangeError(`${name} must be a positive number`);
  if (!Number.isInteger(burst) || burst < 1)
    throw new RangeError(`the burst of ${name} must be an integer >= 1`);
  const intervalMs = periodMs / perPeriod;
  return { intervalMs, toleranceMs: (burst - 1) * intervalMs };
}

/**
 * Numeric strings are the same chat as the number (`"-100123"` and `-100123` share limits).
 * Negative ids are groups, supergroups and channels; so is every `@username` (users have none
 * usable as `chat_id`).
 */
function normalizeChatId(chatId: OutboundChatId | undefined): { key: string; isGroup: boolean } | undefined {
  if (chatId === undefined) return undefined;
  if (typeof chatId === 'number' || /^-?\d+$/.test(chatId)) {
    const id = Number(chatId);
    return { key: String(id), isGroup: id < 0 };
  }
  return { key: chatId.toLowerCase(), isGroup: true };
}

/** Runs a script by its SHA1 (the common case: the script is cached), loading it when Redis lacks it. */
function luaScript(
  redis: Redis,
  source: string,
): (keys: string[], args: (string | number)[]) => Promise<unknown> {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(source, keys.length, ...keys, ...args);
    }
  };
}
