import http from 'node:http';
import { z } from 'zod';
import { TOKEN_PATTERN } from './plan';

/**
 * Watches the bot's messages live through the emulator's event stream (`GET /_emulator/events`,
 * Server-Sent Events): counts them and notes when each token was first answered, for the
 * progress line and the update→reply latency. The verdict does not depend on this stream; it is
 * computed from `GET /_emulator/bot-messages` at the end.
 */

const messageEvent = z.object({
  type: z.literal('message'),
  chatId: z.number(),
  message: z.object({ fromBot: z.boolean(), text: z.string() }),
});

export class ReplyTracker {
  botMessages = 0;
  /** token → epoch ms of the first bot message that contained it. */
  readonly firstSeen = new Map<string, number>();
  /** Epoch ms of the latest bot message (the start time until one arrives). */
  lastReplyAt = Date.now();
  reconnects = 0;
  private running = false;
  private request: http.ClientRequest | undefined;
  private retry: NodeJS.Timeout | undefined;
  /** Only the latest connection's events count. */
  private generation = 0;

  constructor(private readonly eventsUrl: string) {}

  /** Resolves once the stream is open (or after `timeoutMs`, still retrying in the background). */
  start(timeoutMs = 5_000): Promise<void> {
    this.running = true;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.connect(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.retry);
    this.request?.destroy();
  }

  private connect(onOpen?: () => void): void {
    if (!this.running) return;
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    const req = http.get(this.eventsUrl, { headers: { accept: 'text/event-stream' } }, (res) => {
      onOpen?.();
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          if (line.startsWith('data:') && current()) this.onData(line.slice(5).trim());
        }
      });
      res.on('end', () => current() && this.reconnect());
      res.on('error', () => current() && this.reconnect());
    });
    req.on('error', () => current() && this.reconnect());
    this.request = req;
  }

  private reconnect(): void {
    if (!this.running || this.retry !== undefined) return;
    this.reconnects++;
    this.generation++;
    this.request?.destroy();
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connect();
    }, 500);
  }

  private onData(data: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    const event = messageEvent.safeParse(parsed);
    if (!event.success || !event.data.message.fromBot) return;
    const now = Date.now();
    this.botMessages++;
    this.lastReplyAt = now;
    for (const match of event.data.message.text.matchAll(TOKEN_PATTERN)) {
      if (!this.firstSeen.has(match[0])) this.firstSeen.set(match[0], now);
    }
  }
}
