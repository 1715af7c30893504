import type { Update } from './bot-api/telegram-types';

/** An update that has not been delivered (webhook) or confirmed (getUpdates) yet. */
export interface PendingUpdate {
  update: Update;
  /** Updates with the same key are delivered one at a time, in order (a chat, or a user). */
  chatKey: string;
  /** Failed webhook deliveries so far. */
  attempts: number;
  /** Epoch ms before which the webhook must not retry it. */
  notBefore: number;
  inFlight: boolean;
  /** Epoch ms when it was queued. */
  queuedAt: number;
}

/** Telegram keeps undelivered updates for 24 hours. */
export const UPDATE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * One bot's updates: ids, the pending queue shared by webhook delivery and getUpdates, recent
 * updates kept for redelivery, and long-poll waiters. Undelivered updates are kept for 24 hours
 * like Telegram's, and past `maxPending` the oldest idle update is dropped.
 */
export class UpdateQueue {
  private nextId = 1;
  private pendingList: PendingUpdate[] = [];
  private readonly history = new Map<number, Update>();
  private readonly waiters = new Set<() => void>();

  /**
   * @param maxPending - Undelivered updates kept. @defaultValue 10_000
   * @param maxHistory - Recent updates kept for redelivery. @defaultValue 10_000
   */
  constructor(
    private readonly maxPending = 10_000,
    private readonly maxHistory = 10_000,
  ) {}

  get pending(): readonly PendingUpdate[] {
    this.expire();
    return this.pendingList;
  }

  /** Gives the update the next update_id unless it has one; later ids always go up. */
  assignId(update: Record<string, unknown>): Update {
    const given = update.update_id;
    if (typeof given === 'number' && Number.isInteger(given)) {
      this.nextId = Math.max(this.nextId, given + 1);
      return update as Update;
    }
    const { update_id: _ignored, ...payload } = update;
    return { update_id: this.nextId++, ...payload } as Update;
  }

  /** Adds a new update to the pending queue and the redelivery history. */
  push(update: Update): void {
    this.history.set(update.update_id, update);
    if (this.history.size > this.maxHistory) {
      const oldest = this.history.keys().next().value;
      if (oldest !== undefined) this.history.delete(oldest);
    }
    this.enqueue(update);
  }

  /** Queues an update again (redelivery) without touching the history. */
  enqueue(update: Update): void {
    this.pendingList.push({
      update,
      chatKey: chatKeyOf(update),
      attempts: 0,
      notBefore: 0,
      inFlight: false,
      queuedAt: Date.now(),
    });
    if (this.pendingList.length > this.maxPending) {
      const idle = this.pendingList.findIndex((p) => !p.inFlight);
      if (idle >= 0) this.pendingList.splice(idle, 1);
    }
    for (const wake of [...this.waiters]) wake();
  }

  get(updateId: number): Update | undefined {
    return this.history.get(updateId);
  }

  remove(entry: PendingUpdate): void {
    const index = this.pendingList.indexOf(entry);
    if (index >= 0) this.pendingList.splice(index, 1);
  }

  /**
   * getUpdates' offset: a positive offset confirms (forgets) every update with a lower id; a
   * negative one keeps only the last -offset updates.
   */
  confirm(offset: number): void {
    if (offset > 0) this.pendingList = this.pendingList.filter((p) => p.update.update_id >= offset);
    else if (offset < 0) this.pendingList = this.pendingList.slice(offset);
  }

  /** The first `limit` pending updates, left in the queue until confirmed. */
  peek(limit: number): Update[] {
    return this.pending.slice(0, limit).map((p) => p.update);
  }

  /** Forgets idle updates older than Telegram's 24 hours (they are at the front: queued in order). */
  private expire(): void {
    const cutoff = Date.now() - UPDATE_TTL_MS;
    const first = this.pendingList[0];
    if (first && first.queuedAt < cutoff) {
      this.pendingList = this.pendingList.filter((p) => p.inFlight || p.queuedAt >= cutoff);
    }
  }

  /** drop_pending_updates: forgets every update that is not being delivered right now. */
  dropPending(): void {
    this.pendingList = this.pendingList.filter((p) => p.inFlight);
  }

  /** Makes every pending update eligible for delivery now (new webhook settings). */
  resetBackoff(): void {
    for (const p of this.pendingList) {
      p.attempts = 0;
      p.notBefore = 0;
    }
  }

  clear(): void {
    this.pendingList = [];
    this.history.clear();
  }

  /**
   * Resolves when an update is added, after `timeoutMs`, or when `signal` aborts, whichever is
   * first. Resolves at once if updates are already pending.
   */
  waitForUpdate(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.pending.length > 0 || timeoutMs <= 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

const CHAT_FIELDS = [
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_message',
  'edited_business_message',
  'guest_message',
  'message_reaction',
  'message_reaction_count',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
  'deleted_business_messages',
];

/** The chat (or, for chat-less updates, the user) an update belongs to, for per-chat ordering. */
export function chatKeyOf(update: Update): string {
  for (const field of CHAT_FIELDS) {
    const id = pick(update[field], 'chat', 'id');
    if (typeof id === 'number') return `chat:${id}`;
  }
  const callbackChat = pick(update.callback_query, 'message', 'chat', 'id');
  if (typeof callbackChat === 'number') return `chat:${callbackChat}`;
  for (const value of Object.values(update)) {
    const userId = pick(value, 'from', 'id') ?? pick(value, 'user', 'id');
    if (typeof userId === 'number') return `user:${userId}`;
  }
  return `update:${update.update_id}`;
}

/** The kind of an update: its payload field name ("message", "callback_query", ...). */
export function updateType(update: Update): string | undefined {
  return Object.keys(update).find((k) => k !== 'update_id');
}

function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
