import type { HttpClient } from '@parley/testing';
import type { ManagedProcess } from './processes';
import type { Random } from './random';
import type { RedisServer } from './redis-server';
import { sleep } from './time';

/**
 * The faults of a run, while the load is sent:
 * - re-deliveries: the emulator delivers a share of updates a second time, shortly after;
 * - worker kills: SIGKILL a random worker every few seconds, start it again ~0.5 s later;
 * - Redis restarts: SIGKILL redis-server, start it on the same port and AOF after ~1 s;
 * - LLM: an error rate for the whole load, plus bursts of 429s;
 * - Telegram: bursts of 429s on sendMessage.
 * Restarts, Redis restarts and bursts are placed at fractions of the load (by messages sent), so
 * a small run gets them too. `stop()` ends every fault and leaves a healthy system behind.
 */

export interface FaultPlan {
  redeliverRate: number;
  /** A re-delivery follows its update after a delay drawn from this range. */
  redeliverDelayMs: [number, number];
  killEveryMs: [number, number] | undefined;
  maxWorkerKills: number;
  workerRestartDelayMs: number;
  redisRestarts: number;
  redisDownMs: number;
  llmErrorRate: number;
  llm429Bursts: number;
  telegram429Bursts: number;
}

export interface FaultTargets {
  http: HttpClient;
  emulatorUrl: string;
  simUrl: string;
  botToken: string;
  workers: readonly ManagedProcess[];
  redis: RedisServer;
  random: Random;
  log: (line: string) => void;
}

export interface FaultCounts {
  redeliveries: number;
  redeliveryErrors: number;
  workerKills: number;
  workerRestarts: number;
  redisRestarts: number;
  llm429Bursts: number;
  telegram429Bursts: number;
  /** Control calls that failed (the fault may not have happened). */
  controlErrors: number;
}

const LLM_429_BURST_MS = 3_000;
const TELEGRAM_429_TIMES = 30;

/** k evenly spaced points inside (0, 1), shifted so that two kinds of faults do not coincide. */
function fractions(count: number, shift: number): number[] {
  return Array.from({ length: count }, (_, i) =>
    Math.min(0.99, Math.max(0.01, (i + 1) / (count + 1) + shift)),
  );
}

export class FaultInjector {
  readonly counts: FaultCounts = {
    redeliveries: 0,
    redeliveryErrors: 0,
    workerKills: 0,
    workerRestarts: 0,
    redisRestarts: 0,
    llm429Bursts: 0,
    telegram429Bursts: 0,
    controlErrors: 0,
  };
  private active = false;
  private closed = false;
  private killTimer: NodeJS.Timeout | undefined;
  private readonly redeliveryTimers = new Map<NodeJS.Timeout, number>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly triggers: Array<{ at: number; fire: () => Promise<void> }> = [];
  /** Workers killed and not started again yet. */
  private readonly down = new Set<ManagedProcess>();

  constructor(
    private readonly plan: FaultPlan,
    private readonly t: FaultTargets,
  ) {
    for (const at of fractions(plan.redisRestarts, 0)) {
      this.triggers.push({ at, fire: () => this.restartRedis() });
    }
    for (const at of fractions(plan.llm429Bursts, -0.05)) {
      this.triggers.push({ at, fire: () => this.llm429Burst() });
    }
    for (const at of fractions(plan.telegram429Bursts, 0.05)) {
      this.triggers.push({ at, fire: () => this.telegram429Burst() });
    }
    this.triggers.sort((a, b) => a.at - b.at);
  }

  async start(): Promise<void> {
    this.active = true;
    if (this.plan.llmErrorRate > 0) {
      await this.control('POST', `${this.t.simUrl}/_sim/config`, { errorRate: this.plan.llmErrorRate });
    }
    this.scheduleKill();
  }

  /** Called for every update sent. */
  onSent(updateId: number): void {
    if (!this.active || !this.t.random.chance(this.plan.redeliverRate)) return;
    const [min, max] = this.plan.redeliverDelayMs;
    const timer = setTimeout(
      () => {
        this.redeliveryTimers.delete(timer);
        this.track(this.redeliver(updateId));
      },
      this.t.random.between(min, max),
    );
    this.redeliveryTimers.set(timer, updateId);
  }

  /** Called as the load goes on: `fraction` of the messages have been sent. */
  onProgress(fraction: number): void {
    while (this.active && this.triggers.length > 0 && (this.triggers[0]?.at ?? 1) <= fraction) {
      const trigger = this.triggers.shift();
      if (trigger) this.track(trigger.fire());
    }
  }

  /**
   * Ends the faults: no more kills; re-deliveries already planned are made now; faults still
   * queued in the simulator and the emulator are cleared; a Redis restart in progress finishes;
   * every killed worker is running again.
   */
  async stop(): Promise<void> {
    this.active = false;
    clearTimeout(this.killTimer);
    const planned = [...this.redeliveryTimers];
    this.redeliveryTimers.clear();
    for (const [timer, updateId] of planned) {
      clearTimeout(timer);
      this.track(this.redeliver(updateId));
    }
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await this.control('POST', `${this.t.simUrl}/_sim/config`, { errorRate: 0 });
    await this.control('DELETE', `${this.t.simUrl}/_sim/faults`);
    await this.control('DELETE', `${this.t.emulatorUrl}/_emulator/faults`);
    for (const worker of this.t.workers) {
      if (!worker.running) this.restartWorker(worker);
    }
  }

  /** A gateway or worker the run did not kill has ended (crash): start it again like a killed one. */
  restartCrashed(worker: ManagedProcess): void {
    if (this.closed || this.down.has(worker)) return;
    this.down.add(worker);
    setTimeout(() => this.restartWorker(worker), this.plan.workerRestartDelayMs);
  }

  /** One line per fault, with the wall-clock time to match the children's logs. */
  private note(what: string): void {
    this.t.log(`fault at ${new Date().toISOString()}: ${what}`);
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch(() => {});
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  private scheduleKill(): void {
    const range = this.plan.killEveryMs;
    if (!range || !this.active || this.counts.workerKills >= this.plan.maxWorkerKills) return;
    this.killTimer = setTimeout(
      () => {
        this.killWorker();
        this.scheduleKill();
      },
      this.t.random.between(range[0], range[1]),
    );
  }

  private killWorker(): void {
    if (!this.active) return;
    const candidates = this.t.workers.filter((w) => w.running && !this.down.has(w));
    const victim = this.t.random.pick(candidates);
    if (!victim?.kill('SIGKILL')) return;
    this.note(`SIGKILL ${victim.name}`);
    this.counts.workerKills++;
    this.down.add(victim);
    this.track(
      (async () => {
        await victim.exited();
        await sleep(this.plan.workerRestartDelayMs);
        this.restartWorker(victim);
      })(),
    );
  }

  /** The run is tearing down: nothing is started again from now on. */
  close(): void {
    this.active = false;
    this.closed = true;
    clearTimeout(this.killTimer);
    for (const timer of this.redeliveryTimers.keys()) clearTimeout(timer);
    this.redeliveryTimers.clear();
  }

  private restartWorker(worker: ManagedProcess): void {
    this.down.delete(worker);
    if (this.closed || worker.running) return;
    try {
      worker.start();
      this.counts.workerRestarts++;
      this.note(`${worker.name} started again`);
    } catch (err) {
      this.t.log(`could not restart ${worker.name}: ${(err as Error).message}`);
    }
  }

  private async restartRedis(): Promise<void> {
    this.note(`SIGKILL redis-server, back in ${this.plan.redisDownMs / 1000} s`);
    const started = Date.now();
    await this.t.redis.crashAndRestart(this.plan.redisDownMs);
    this.counts.redisRestarts++;
    this.note(`redis-server answers again after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  /**
   * A provider's rate limit lasts a while, whatever the number of calls: every LLM request gets
   * 429 (retry-after 1 s) for LLM_429_BURST_MS. (Counting 429s per request instead would make a
   * client that politely waits, probing once per second, sit through one second per 429.)
   */
  private async llm429Burst(): Promise<void> {
    const ok = await this.control('POST', `${this.t.simUrl}/_sim/faults`, {
      status: 429,
      probability: 1,
      retry_after: 1,
    });
    if (ok) {
      this.counts.llm429Bursts++;
      this.note(`every LLM request gets 429 for ${LLM_429_BURST_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, LLM_429_BURST_MS));
      await this.control('DELETE', `${this.t.simUrl}/_sim/faults`);
    }
  }

  private async telegram429Burst(): Promise<void> {
    const ok = await this.control('POST', `${this.t.emulatorUrl}/_emulator/faults`, {
      method: 'sendMessage',
      error_code: 429,
      retry_after: 1,
      times: TELEGRAM_429_TIMES,
    });
    if (ok) {
      this.counts.telegram429Bursts++;
      this.note(`the next ${TELEGRAM_429_TIMES} sendMessage calls get 429`);
    }
  }

  private async redeliver(updateId: number): Promise<void> {
    const ok = await this.control('POST', `${this.t.emulatorUrl}/_emulator/redeliver`, {
      token: this.t.botToken,
      update_id: updateId,
    });
    if (ok) this.counts.redeliveries++;
    else this.counts.redeliveryErrors++;
  }

  private async control(method: string, url: string, body?: unknown): Promise<boolean> {
    try {
      await this.t.http.json(method, url, body);
      return true;
    } catch (err) {
      this.counts.controlErrors++;
      this.t.log(`fault control ${method} ${url} failed: ${(err as Error).message}`);
      return false;
    }
  }
}
