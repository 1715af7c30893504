import { ApiError } from './bot-api/api-error';

/**
 * Telegram's flood limits, modelled the way bots meet them: about one message per second per
 * chat with short bursts tolerated, 20 messages per minute per group, about 30 messages per
 * second for the whole bot. Sending and editing count alike (repeated `editMessageText` is the
 * most common way LLM bots earn flood waits). A call over a limit gets 429 `Too Many Requests:
 * retry after N` with `parameters.retry_after` N, the seconds until it would be allowed, and
 * does nothing. Telegram publishes no exact numbers; these defaults follow its FAQ and what bots
 * report, and every number can be changed.
 *
 * Off unless enabled (`floodLimits` option, `--flood-limits`, or the control API): tests and
 * benchmarks that do not pace their sends keep working.
 */

export interface FloodLimits {
  /** Sustained messages (sends and edits) per second into one chat. @defaultValue 1 */
  perChatPerSecond: number;
  /** Messages one chat may take at once before the per-chat rate applies. @defaultValue 5 */
  perChatBurst: number;
  /** Messages per minute into one group or supergroup (on top of the per-chat limit). @defaultValue 20 */
  perGroupPerMinute: number;
  /** Messages a group may take at once. @defaultValue 5 */
  perGroupBurst: number;
  /** Messages per second for the whole bot. @defaultValue 30 */
  globalPerSecond: number;
  /** Messages the bot may send at once. @defaultValue 30 */
  globalBurst: number;
  /**
   * `sendMessageDraft` calls per second per chat; 0 = not limited. Telegram documents no limit
   * for drafts (they exist for streaming). @defaultValue 0
   */
  draftsPerSecond: number;
}

export const DEFAULT_FLOOD_LIMITS: Readonly<FloodLimits> = {
  perChatPerSecond: 1,
  perChatBurst: 5,
  perGroupPerMinute: 20,
  perGroupBurst: 5,
  globalPerSecond: 30,
  globalBurst: 30,
  draftsPerSecond: 0,
};

/** Methods that put a message into a chat or change one. */
export const FLOOD_LIMITED_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'editMessageText',
  'editMessageReplyMarkup',
]);

interface Bucket {
  /** Theoretical arrival time of the next call (GCRA), epoch ms. */
  tat: number;
}

/** GCRA buckets per (bot, scope); a refused call books nothing. */
export class FloodControl {
  private limits: FloodLimits | undefined;
  private readonly buckets = new Map<string, Bucket>();

  constructor(initial: boolean | Partial<FloodLimits> | undefined) {
    this.configure(initial);
  }

  /** `false`/undefined turns the limits off; `true` uses the defaults; an object overrides some. */
  configure(limits: boolean | Partial<FloodLimits> | undefined): FloodLimits | undefined {
    if (limits === undefined || limits === false) this.limits = undefined;
    else this.limits = validate({ ...DEFAULT_FLOOD_LIMITS, ...(limits === true ? {} : limits) });
    this.buckets.clear();
    return this.current();
  }

  current(): FloodLimits | undefined {
    return this.limits ? { ...this.limits } : undefined;
  }

  /**
   * Books the call or throws the 429 Telegram would answer. `chatType` is undefined for a chat
   * the emulator does not know (the method answers its own 400 then).
   */
  admit(
    method: string,
    botId: number,
    chatId: number | undefined,
    chatType: string | undefined,
    now = Date.now(),
  ): void {
    const limits = this.limits;
    if (!limits || chatId === undefined) return;
    const checks: Array<[string, number, number]> = [];
    if (method === 'sendMessageDraft') {
      if (limits.draftsPerSecond > 0)
        checks.push([`${botId}:draft:${chatId}`, 1000 / limits.draftsPerSecond, 1]);
    } else if (FLOOD_LIMITED_METHODS.has(method)) {
      checks.push([`${botId}:chat:${chatId}`, 1000 / limits.perChatPerSecond, limits.perChatBurst]);
      if (chatType === 'group' || chatType === 'supergroup' || chatType === 'channel')
        checks.push([`${botId}:group:${chatId}`, 60_000 / limits.perGroupPerMinute, limits.perGroupBurst]);
      checks.push([`${botId}:global`, 1000 / limits.globalPerSecond, limits.globalBurst]);
    }
    let allowedAt = now;
    for (const [key, interval, burst] of checks) {
      const tat = Math.max(this.buckets.get(key)?.tat ?? now, now);
      allowedAt = Math.max(allowedAt, tat - (burst - 1) * interval);
    }
    if (allowedAt > now) {
      const retryAfter = Math.max(1, Math.ceil((allowedAt - now) / 1000));
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
    }
    for (const [key, interval] of checks) {
      const tat = Math.max(this.buckets.get(key)?.tat ?? now, now);
      this.buckets.set(key, { tat: tat + interval });
    }
    // Keep memory bounded: forget buckets whose time has passed (they mean "no recent calls").
    if (this.buckets.size > 10_000)
      for (const [key, b] of this.buckets) if (b.tat <= now) this.buckets.delete(key);
  }

  reset(): void {
    this.buckets.clear();
  }
}

function validate(limits: FloodLimits): FloodLimits {
  for (const key of ['perChatPerSecond', 'perGroupPerMinute', 'globalPerSecond'] as const) {
    if (!(limits[key] > 0) || !Number.isFinite(limits[key]))
      throw new Error(`tg-emulator: ${key} must be a positive number`);
  }
  for (const key of ['perChatBurst', 'perGroupBurst', 'globalBurst'] as const) {
    if (!Number.isInteger(limits[key]) || limits[key] < 1)
      throw new Error(`tg-emulator: ${key} must be an integer >= 1`);
  }
  if (!(limits.draftsPerSecond >= 0) || !Number.isFinite(limits.draftsPerSecond))
    throw new Error('tg-emulator: draftsPerSecond must be a number >= 0');
  return limits;
}
