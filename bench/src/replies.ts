import http from 'node:http';

/**
 * Watches the bot's messages live through the emulator's event stream (`GET /_emulator/events`)
 * and notes when each message token (`m<n>z`, put into every injected text and echoed by the
 * simulator) first appears in a reply.
 */

export const TOKEN_PATTERN = /\bm(\d+)z\b/g;

export function tokenText(n: number): string {
  return `bench m${n}z`;
}

interface MessageEvent {
  type?: unknown;
  message?: { fromBot?: unknown; text?: unknown };
}

export class ReplyWatcher {
  /** token number → epoch ms of the first bot message containing it. */
  readonly seen = new Map<number, number>();
  botMessages = 0;
  private request: http.ClientRequest | undefined;
  private waiters: Array<() => void> = [];

  constructor(private readonly eventsUrl: string) {}

  /** Resolves once the stream is open. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = http.get(this.eventsUrl, { headers: { accept: 'text/event-stream' } }, (res) => {
        resolve();
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          const lines = buffer.split('\n');
          buffer = lines.pop() ?? '';
          for (const line of lines) if (line.startsWith('data:')) this.onData(line.slice(5).trim());
        });
        res.on('error', () => {});
      });
      req.on('error', reject);
      this.request = req;
    });
  }

  stop(): void {
    this.request?.destroy();
    for (const wake of this.waiters) wake();
    this.waiters = [];
  }

  /** Resolves when every token in `tokens` has been answered or after `timeoutMs`. */
  async waitFor(tokens: readonly number[], timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let missing = tokens.filter((t) => !this.seen.has(t));
    while (missing.length > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      missing = missing.filter((t) => !this.seen.has(t));
    }
    return true;
  }

  private onData(data: string): void {
    let event: MessageEvent;
    try {
      event = JSON.parse(data) as MessageEvent;
    } catch {
      return;
    }
    if (event.type !== 'message' || event.message?.fromBot !== true || typeof event.message.text !== 'string')
      return;
    const now = Date.now();
    this.botMessages++;
    for (const match of event.message.text.matchAll(TOKEN_PATTERN)) {
      const n = Number(match[1]);
      if (!this.seen.has(n)) this.seen.set(n, now);
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
