import { RequestAbortedError } from './abort';

/**
 * Admission control of a continuous-batching server: at most `capacity` sequences generate at
 * once, the rest wait in a FIFO queue of at most `maxQueue`, and a full queue is refused (the
 * caller answers 429). A sequence is one answer being generated: a request with several prompts
 * or `n` choices brings several, as on vLLM, whose `max_num_seqs` counts sequences, not HTTP
 * requests. A waiter whose client disconnects leaves the queue at once.
 */

/** A held generation slot. `release` is idempotent. */
export interface Slot {
  release(): void;
}

/** The queue was full; the request was not admitted. */
export class QueueFullError extends Error {
  constructor(readonly maxQueue: number) {
    super(`queue full (${maxQueue} waiting)`);
    this.name = 'QueueFullError';
  }
}

interface Waiter {
  admit(): void;
}

export class Scheduler {
  private running = 0;
  private peak = 0;
  // A Set keeps insertion order (FIFO) and removes an aborted waiter in O(1).
  private readonly waiting = new Set<Waiter>();

  constructor(
    private capacity: number,
    private maxQueue: number,
  ) {}

  /** Sequences holding a slot. */
  get inFlight(): number {
    return this.running;
  }

  /** Sequences waiting for a slot. */
  get queued(): number {
    return this.waiting.size;
  }

  /** Highest `inFlight` since creation or the last {@link resetPeak}. */
  get maxInFlightSeen(): number {
    return this.peak;
  }

  resetPeak(): void {
    this.peak = this.running;
  }

  /** Applies new limits; a larger capacity admits waiters right away. */
  setLimits(capacity: number, maxQueue: number): void {
    this.capacity = capacity;
    this.maxQueue = maxQueue;
    this.pump();
  }

  /**
   * Waits for a slot. Rejects with {@link QueueFullError} when the queue is full and with
   * {@link RequestAbortedError} when `signal` aborts first.
   */
  acquire(signal: AbortSignal): Promise<Slot> {
    try {
      return this.acquireMany(1, signal)[0] as Promise<Slot>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * One slot per sequence of a request (prompts × n), each admitted on its own, in FIFO order, as
   * slots free up: a short answer's slot goes to the next sequence while a long one still runs.
   * Throws {@link QueueFullError} at once when the sequences that must wait do not all fit in the
   * queue, so that a request is never half admitted. Each promise rejects with
   * {@link RequestAbortedError} when `signal` aborts before its admission.
   */
  acquireMany(count: number, signal: AbortSignal): Promise<Slot>[] {
    const free = this.waiting.size === 0 ? Math.max(0, this.capacity - this.running) : 0;
    const mustWait = Math.max(0, count - free);
    if (mustWait > 0 && this.waiting.size + mustWait > this.maxQueue) throw new QueueFullError(this.maxQueue);
    return Array.from({ length: count }, () => this.enqueue(signal));
  }

  private enqueue(signal: AbortSignal): Promise<Slot> {
    if (signal.aborted) return Promise.reject(new RequestAbortedError());
    if (this.waiting.size === 0 && this.running < this.capacity) return Promise.resolve(this.take());
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.take());
        },
      };
      const onAbort = () => {
        this.waiting.delete(waiter);
        reject(new RequestAbortedError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.add(waiter);
    });
  }

  private take(): Slot {
    this.running++;
    if (this.running > this.peak) this.peak = this.running;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.running--;
        this.pump();
      },
    };
  }

  private pump(): void {
    while (this.running < this.capacity) {
      const next = this.waiting.values().next();
      if (next.done) return;
      this.waiting.delete(next.value);
      next.value.admit();
    }
  }
}
