/** One Bot API call as the emulator received it. */
export interface RecordedCall {
  /** Canonical method name (Telegram accepts any letter case). */
  method: string;
  token: string;
  /** Parameters after Telegram's type coercion (numbers, booleans, JSON-serialized objects). */
  params: Record<string, unknown>;
  /** Epoch milliseconds when the call arrived. */
  at: number;
  ok: boolean;
  errorCode?: number;
  description?: string;
  result?: unknown;
  /** True when the answer came from a queued fault rather than the method. */
  injected?: boolean;
  /** "webhook-reply" for a method the bot returned in its webhook response body. */
  via: 'http' | 'webhook-reply';
}

export interface CallFilter {
  method?: string;
  chatId?: number;
  token?: string;
}

/** Bounded, in-order record of Bot API calls; the oldest are dropped past `max`. */
export class CallLog {
  private calls: RecordedCall[] = [];

  /** @param max - Calls kept. @defaultValue 50_000 */
  constructor(private readonly max = 50_000) {}

  add(call: RecordedCall): void {
    this.calls.push(call);
    // Trim in batches so that a full log does not shift the array on every call.
    if (this.calls.length > this.max + Math.ceil(this.max / 10)) this.calls = this.calls.slice(-this.max);
  }

  list(filter: CallFilter = {}): RecordedCall[] {
    const method = filter.method?.toLowerCase();
    const all = this.calls.length > this.max ? this.calls.slice(-this.max) : this.calls;
    return all.filter(
      (c) =>
        (method === undefined || c.method.toLowerCase() === method) &&
        (filter.token === undefined || c.token === filter.token) &&
        (filter.chatId === undefined || Number(c.params.chat_id) === filter.chatId),
    );
  }

  clear(): void {
    this.calls = [];
  }
}
