import { ApiError, defaultDescription } from './bot-api/api-error';

/** Makes the next matching Bot API calls fail with a Telegram error instead of running. */
export interface FaultRule {
  /** Method to match (any letter case); every method when omitted. */
  method?: string;
  /** chat_id to match; every chat when omitted. */
  chatId?: number;
  /** How many matching calls fail. @defaultValue 1 */
  times?: number;
  /** Telegram error code, also the HTTP status (429, 403, 400, 500...). */
  errorCode: number;
  /** Telegram-style description; a typical one for the code when omitted (see README). */
  description?: string;
  /** Seconds for parameters.retry_after; always sent with 429. @defaultValue 1 for 429 */
  retryAfter?: number;
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

/** Fault rules in the order they were queued; the first matching one answers a call. */
export class FaultQueue {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  /** Rules still queued, with how many calls each will still fail. */
  list(): Array<FaultRule & { remaining: number }> {
    return this.rules.map((r) => ({ ...r.rule, remaining: r.remaining }));
  }

  /** Consumes the first rule matching the call and returns its error, if any. */
  take(method: string, chatId: number | undefined): ApiError | undefined {
    const lower = method.toLowerCase();
    const index = this.rules.findIndex(
      ({ rule }) =>
        (rule.method === undefined || rule.method.toLowerCase() === lower) &&
        (rule.chatId === undefined || rule.chatId === chatId),
    );
    const active = this.rules[index];
    if (!active) return undefined;
    active.remaining--;
    if (active.remaining <= 0) this.rules.splice(index, 1);
    return faultError(active.rule);
  }
}

/** The error a rule answers with, shaped like Telegram's (429 always carries retry_after). */
export function faultError(rule: FaultRule): ApiError {
  const code = rule.errorCode;
  const retryAfter = rule.retryAfter ?? (code === 429 ? 1 : undefined);
  const description = rule.description ?? defaultDescription(code, retryAfter);
  return new ApiError(code, description, retryAfter === undefined ? undefined : { retry_after: retryAfter });
}
