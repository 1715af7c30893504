import type { ChatEvent } from './events';

/** A chat event as recorded: its place in the sequence and when it happened. */
export type LoggedEvent = ChatEvent & {
  /** 1, 2, 3... across the emulator; `since` in queries refers to it. */
  seq: number;
  /** Epoch ms. */
  at: number;
};

export interface EventFilter {
  /** Only events after this sequence number. */
  since?: number;
  chatId?: number;
  botId?: number;
  type?: ChatEvent['type'];
}

/**
 * Every chat event in order (messages, edits, drafts, chat actions, deletes), bounded, so tests
 * in any process can observe a stream after the fact: how a draft grew, how often a message was
 * edited and how far apart, without holding an SSE connection open.
 */
export class EventLog {
  private events: LoggedEvent[] = [];
  private seq = 0;

  /** @param max - Events kept; the oldest are dropped. @defaultValue 20_000 */
  constructor(private readonly max = 20_000) {}

  add(event: ChatEvent, at = Date.now()): void {
    this.events.push({ ...event, seq: ++this.seq, at });
    if (this.events.length > this.max) this.events.splice(0, this.events.length - this.max);
  }

  list(filter: EventFilter = {}): LoggedEvent[] {
    return this.events.filter(
      (e) =>
        (filter.since === undefined || e.seq > filter.since) &&
        (filter.type === undefined || e.type === filter.type) &&
        (e.type === 'reset' ||
          ((filter.chatId === undefined || e.chatId === filter.chatId) &&
            (filter.botId === undefined || e.botId === filter.botId))),
    );
  }

  clear(): void {
    this.events = [];
  }
}
