import type { MessageEntity } from './bot-api/telegram-types';
import type { ChatMessage } from './chat-message';

/** What the chat page (and any other watcher) sees happen in a chat, streamed over SSE. */
export type ChatEvent =
  | { type: 'message'; botId: number; chatId: number; message: ChatMessage }
  | { type: 'edit'; botId: number; chatId: number; message: ChatMessage }
  | { type: 'delete'; botId: number; chatId: number; messageId: number }
  | {
      type: 'draft';
      botId: number;
      chatId: number;
      draftId: number;
      text: string;
      entities?: MessageEntity[];
    }
  | { type: 'action'; botId: number; chatId: number; action: string }
  /** Everything was cleared by reset(). */
  | { type: 'reset' };

export type ChatEventListener = (event: ChatEvent) => void;

/** A minimal synchronous publish/subscribe hub; a throwing listener cannot break the others. */
export class EventHub {
  private readonly listeners = new Set<ChatEventListener>();

  /** Subscribes and returns the unsubscribe function. */
  on(listener: ChatEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: ChatEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken watcher must not fail the Bot API call that caused the event.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
