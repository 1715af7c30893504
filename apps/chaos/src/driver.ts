import type { HttpClient } from '@parley/testing';
import { z } from 'zod';
import type { ChatPlan, PlannedMessage } from './plan';
import type { Random } from './random';

/**
 * Sends the planned messages through the emulator (`POST /_emulator/messages`), which delivers
 * them to the gateway's webhook the way Telegram does. At most `concurrency` POSTs are in flight;
 * a chat's messages are sent strictly one after the other (the next only after the previous
 * POST returned); a chat pauses between turns, and a burst's messages go back to back.
 */

export interface SentMessage extends PlannedMessage {
  updateId: number;
  /** Epoch ms when its POST was issued. */
  sentAt: number;
}

export interface DriverOptions {
  http: HttpClient;
  emulatorUrl: string;
  token: string;
  concurrency: number;
  turnGapMs: [number, number];
  random: Random;
  /** Aborting stops sending (turns in progress stop after their current POST). */
  signal: AbortSignal;
  /** Resolves when sending may go on (backpressure). */
  gate: () => Promise<void>;
  onSent: (message: SentMessage) => void;
}

const updateAnswer = z.object({ ok: z.literal(true), result: z.object({ update_id: z.number().int() }) });

export class Driver {
  readonly sent: SentMessage[] = [];
  /** Messages whose POST failed: unknown whether the emulator made an update of them. */
  readonly failed: PlannedMessage[] = [];
  lastError: string | undefined;

  constructor(private readonly opts: DriverOptions) {}

  async run(plans: readonly ChatPlan[]): Promise<void> {
    const { signal, random } = this.opts;
    const ready = random.shuffle(plans.map((p) => p.chatIndex));
    const nextTurn = new Map<number, number>();
    const byIndex = new Map(plans.map((p) => [p.chatIndex, p]));
    const timers = new Set<NodeJS.Timeout>();
    let pausing = 0;
    let inTurn = 0;
    let wakers: Array<() => void> = [];
    const wakeAll = () => {
      const current = wakers;
      wakers = [];
      for (const wake of current) wake();
    };
    const onAbort = () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      pausing = 0;
      wakeAll();
    };
    signal.addEventListener('abort', onAbort, { once: true });

    const slot = async (): Promise<void> => {
      while (!signal.aborted) {
        const chatIndex = ready.shift();
        if (chatIndex === undefined) {
          if (pausing === 0 && inTurn === 0) return;
          await new Promise<void>((resolve) => wakers.push(resolve));
          continue;
        }
        const plan = byIndex.get(chatIndex);
        const turnIndex = nextTurn.get(chatIndex) ?? 0;
        const turn = plan?.turns[turnIndex];
        if (!plan || !turn) continue;
        nextTurn.set(chatIndex, turnIndex + 1);
        inTurn++;
        try {
          for (const message of turn) {
            await this.opts.gate();
            if (signal.aborted) return;
            await this.send(message);
          }
        } finally {
          inTurn--;
        }
        if (turnIndex + 1 < plan.turns.length && !signal.aborted) {
          pausing++;
          const [min, max] = this.opts.turnGapMs;
          const timer = setTimeout(
            () => {
              timers.delete(timer);
              pausing--;
              ready.push(chatIndex);
              wakeAll();
            },
            random.between(min, max),
          );
          timers.add(timer);
        } else if (inTurn === 0 && pausing === 0) {
          wakeAll();
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: this.opts.concurrency }, () => slot()));
    } finally {
      signal.removeEventListener('abort', onAbort);
      onAbort();
    }
  }

  private async send(message: PlannedMessage): Promise<void> {
    const { http, emulatorUrl, token } = this.opts;
    const sentAt = Date.now();
    try {
      const answer = updateAnswer.parse(
        await http.json('POST', `${emulatorUrl}/_emulator/messages`, {
          token,
          chat_id: message.chatId,
          user_id: message.chatId,
          first_name: `User ${message.chatIndex}`,
          text: message.text,
        }),
      );
      const sent: SentMessage = { ...message, updateId: answer.result.update_id, sentAt };
      this.sent.push(sent);
      this.opts.onSent(sent);
    } catch (err) {
      // Not retried: the update may exist already, and a second one would be a real duplicate.
      this.failed.push(message);
      this.lastError = (err as Error).message;
    }
  }
}

const botsAnswer = z.object({
  ok: z.literal(true),
  result: z.array(z.object({ token: z.string(), pendingUpdateCount: z.number() })),
});

/**
 * Backpressure: the emulator keeps at most 10k undelivered updates per bot and drops the oldest
 * beyond that, which would lose messages that Telegram itself would keep. Sending pauses while
 * more than `limit` are pending (e.g. while Redis is down and the gateway answers 503).
 */
export class PendingGate {
  pending = 0;
  private open = true;
  private released = false;
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly emulatorUrl: string,
    private readonly token: string,
    private readonly limit: number,
  ) {}

  start(intervalMs = 250): void {
    const poll = async () => {
      try {
        const answer = botsAnswer.parse(await this.http.json('GET', `${this.emulatorUrl}/_emulator/bots`));
        this.pending = answer.result.find((b) => b.token === this.token)?.pendingUpdateCount ?? 0;
        this.setOpen(this.pending <= this.limit);
      } catch {
        // keep the last state; the emulator answers again on the next poll
      }
      if (this.timer !== undefined) this.timer = setTimeout(poll, intervalMs);
    };
    this.timer = setTimeout(poll, 0);
  }

  wait(): Promise<void> {
    if (this.open || this.released) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Never blocks again; `pending` keeps being updated until `stop()`. */
  release(): void {
    this.released = true;
    this.setOpen(true);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.setOpen(true);
  }

  private setOpen(open: boolean): void {
    this.open = open || this.released;
    if (!this.open) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
