import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { REPORT_SCRIPT, RESERVE_SCRIPT, SETTLE_SCRIPT } from './budget-script';
import { type UserId, userKeys } from './keys';
import { integers, luaScript } from './redis-script';
import { retainedWindows, type WindowKind, windowAt } from './windows';

export interface TokenBudgetOptions {
  /** Keys: `${keyPrefix}:limits:{${botId}:u:${user}}:tokens:…`. */
  keyPrefix: string;
  botId: string;
  /** Tokens (prompt + completion) per user per UTC day; 0 = no daily limit. @defaultValue 0 */
  dailyTokens?: number;
  /** Tokens per user per UTC calendar month; 0 = no monthly limit. @defaultValue 0 */
  monthlyTokens?: number;
  /**
   * A reservation not settled within this time is dropped (its pod died mid-call), so it cannot
   * hold the budget forever. Longer than the slowest LLM call. @defaultValue 600000 (10 minutes)
   */
  reservationTtlMs?: number;
  /**
   * How long a window's counter is kept after the window ends (for an admin's overview of the
   * day before). @defaultValue 86400000 (1 day)
   */
  retentionMs?: number;
  /** The clock that places calls in windows. @defaultValue Date.now */
  clock?: () => number;
}

export interface WindowUsage {
  kind: WindowKind;
  /** Settled tokens in this window. */
  used: number;
  /** Tokens held by calls in flight (counted against the budget until settled). */
  reserved: number;
  /** The limit, or undefined when this window is unlimited. */
  limit: number | undefined;
  /** Tokens left (limit - used - reserved, never negative); undefined when unlimited. */
  left: number | undefined;
  /** Epoch ms when this window ends and the count starts again (UTC midnight / 1st of month). */
  resetsAt: number;
}

export interface BudgetReport {
  daily: WindowUsage;
  monthly: WindowUsage;
}

export type ReserveResult =
  | { ok: true; reservation: Reservation; report: BudgetReport }
  /** `window`: the budget that would be exceeded; the report says how much is left and when it resets. */
  | { ok: false; window: WindowKind; report: BudgetReport };

export interface Reservation {
  readonly id: string;
  readonly user: UserId;
  readonly estimate: number;
}

export interface TokenBudget {
  /**
   * Books `estimate` tokens (prompt tokens + the answer's max tokens) for `user` before an LLM
   * call, refusing when it would take a window over its limit. Passing `id` makes a retried
   * reserve idempotent.
   */
  reserve(user: UserId, estimate: number, id?: string): Promise<ReserveResult>;
  /**
   * Replaces the reservation with the real usage (0 when the call failed before using tokens).
   * Idempotent per reservation: a second settle charges nothing. Returns whether it charged.
   * Usage above the estimate is charged in full (the window may end slightly over its limit).
   */
  settle(reservation: Reservation | { id: string; user: UserId }, usedTokens: number): Promise<boolean>;
  /** Charges usage that had no reservation (e.g. a cached answer counted at a discount). */
  charge(user: UserId, usedTokens: number): Promise<void>;
  /** What `/usage` shows: used, reserved, left and reset time per window. */
  report(user: UserId): Promise<BudgetReport>;
  /** Deletes the user's counters and reservations, current and retained windows (`/forget`). */
  forget(user: UserId): Promise<void>;
}

/**
 * Per-user token budgets over UTC days and months, shared by every pod: reserve an estimate
 * before the call, settle with the real usage after.
 */
export function createTokenBudget(redis: Redis, opts: TokenBudgetOptions): TokenBudget {
  const daily = limitOf('dailyTokens', opts.dailyTokens);
  const monthly = limitOf('monthlyTokens', opts.monthlyTokens);
  const reservationTtlMs = opts.reservationTtlMs ?? 600_000;
  const retentionMs = opts.retentionMs ?? 86_400_000;
  if (!Number.isInteger(reservationTtlMs) || reservationTtlMs < 1000)
    throw new RangeError('reservationTtlMs must be an integer >= 1000');
  if (!Number.isInteger(retentionMs) || retentionMs < 0)
    throw new RangeError('retentionMs must be an integer >= 0');
  const clock = opts.clock ?? Date.now;
  const keys = userKeys(opts.keyPrefix, opts.botId);
  const reserveScript = luaScript(redis, RESERVE_SCRIPT);
  const settleScript = luaScript(redis, SETTLE_SCRIPT);
  const reportScript = luaScript(redis, REPORT_SCRIPT);

  const windowKeys = (user: UserId, now: number) => {
    const day = windowAt('daily', now);
    const month = windowAt('monthly', now);
    return {
      day,
      month,
      keys: [keys.tokens(user, day.id), keys.tokens(user, month.id), keys.reservations(user)],
    };
  };

  const reportOf = (day: number, month: number, reserved: number, now: number): BudgetReport => ({
    daily: usage('daily', day, reserved, daily, windowAt('daily', now).resetsAt),
    monthly: usage('monthly', month, reserved, monthly, windowAt('monthly', now).resetsAt),
  });

  const settleWith = async (id: string, user: UserId, usedTokens: number): Promise<boolean> => {
    checkTokens('usedTokens', usedTokens);
    const now = clock();
    const w = windowKeys(user, now);
    const reply = await settleScript(w.keys, [
      now,
      id,
      Math.ceil(usedTokens),
      w.day.resetsAt + retentionMs,
      w.month.resetsAt + retentionMs,
      reservationTtlMs,
    ]);
    return Number(reply) === 1;
  };

  return {
    async reserve(user, estimate, id = randomUUID()) {
      checkTokens('estimate', estimate);
      const now = clock();
      const w = windowKeys(user, now);
      const reply = await reserveScript(w.keys, [
        now,
        id,
        Math.ceil(estimate),
        daily ?? 0,
        monthly ?? 0,
        reservationTtlMs,
      ]);
      const [ok, refusing, day, month, reserved] = integers(reply, 5, 'the reserve script');
      if (ok === 1) {
        return {
          ok: true,
          reservation: { id, user, estimate: Math.ceil(estimate) },
          report: reportOf(day!, month!, reserved! + Math.ceil(estimate), now),
        };
      }
      return {
        ok: false,
        window: refusing === 1 ? 'daily' : 'monthly',
        report: reportOf(day!, month!, reserved!, now),
      };
    },

    settle: (reservation, usedTokens) => settleWith(reservation.id, reservation.user, usedTokens),

    async charge(user, usedTokens) {
      await settleWith(randomUUID(), user, usedTokens);
    },

    async report(user) {
      const now = clock();
      const reply = await reportScript(windowKeys(user, now).keys, [now]);
      const [day, month, reserved] = integers(reply, 3, 'the report script');
      return reportOf(day!, month!, reserved!, now);
    },

    async forget(user) {
      const now = clock();
      const windows = [
        ...retainedWindows('daily', now, retentionMs),
        ...retainedWindows('monthly', now, retentionMs),
      ];
      await redis.del(...windows.map((w) => keys.tokens(user, w.id)), keys.reservations(user));
    },
  };
}

function usage(
  kind: WindowKind,
  used: number,
  reserved: number,
  limit: number | undefined,
  resetsAt: number,
): WindowUsage {
  const left = limit === undefined ? undefined : Math.max(0, limit - used - reserved);
  return { kind, used, reserved, limit, left, resetsAt };
}

function limitOf(name: string, value: number | undefined): number | undefined {
  if (value === undefined || value === 0) return undefined;
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${name} must be an integer >= 0 (0 = no limit)`);
  return value;
}

function checkTokens(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a number >= 0`);
}
