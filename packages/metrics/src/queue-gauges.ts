import type { Queue } from 'bullmq';
import { Counter, Gauge, type Registry } from 'prom-client';

const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;
type State = (typeof STATES)[number];

interface QueueReading {
  counts: Record<State, number>;
  oldestWaitingAgeSeconds: number;
}

export interface QueueGaugeOptions {
  /**
   * Longest wait for Redis during one scrape. A hung Redis must not hang /metrics past
   * Prometheus' scrape timeout, or the pod looks down instead of Redis. @defaultValue 2000
   */
  readTimeoutMs?: number;
}

/**
 * Queue depth and age, read from Redis when Prometheus scrapes (not on a timer), plus
 * `parley_redis_up`, which says whether those reads succeeded. Every pod reads the same shared
 * queue, so dashboards and autoscalers must aggregate these with max, not sum.
 */
export function registerQueueGauges(
  registry: Registry,
  queues: Array<{ name: string; queue: Queue }>,
  opts: QueueGaugeOptions = {},
): void {
  const timeoutMs = opts.readTimeoutMs ?? 2_000;
  const scrapeErrors = new Counter({
    name: 'parley_queue_scrape_errors_total',
    help: 'Failures (errors or timeouts) to read queue state from Redis while collecting metrics.',
    labelNames: ['queue'] as const,
    registers: [registry],
    // So that a scrape reports its own failure, not only the previous one's.
    async collect() {
      await readAll();
    },
  });

  // prom-client collects all gauges of a scrape concurrently: they share one read of Redis.
  let last: { at: number; readings: Promise<Map<string, QueueReading | undefined>> } | undefined;
  const readAll = () => {
    if (!last || Date.now() - last.at > 500) {
      last = {
        at: Date.now(),
        readings: Promise.all(
          queues.map(async ({ name, queue }) => {
            const reading = await withTimeout(readQueue(queue), timeoutMs).catch(() => undefined);
            if (!reading) scrapeErrors.inc({ queue: name });
            return [name, reading] as const;
          }),
        ).then((entries) => new Map(entries)),
      };
    }
    return last.readings;
  };

  new Gauge({
    name: 'parley_queue_jobs',
    help: 'Jobs in a queue by state, read from Redis at scrape time. Same value on every pod: aggregate with max().',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      for (const [queue, reading] of await readAll()) {
        // Redis unreachable: keep the last values; parley_redis_up and the scrape errors say why.
        if (reading) for (const state of STATES) this.set({ queue, state }, reading.counts[state]);
      }
    },
  });
  new Gauge({
    name: 'parley_queue_oldest_waiting_age_seconds',
    help: 'Age of the oldest job still waiting to be picked up; the backlog as users feel it. Aggregate with max().',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      for (const [queue, reading] of await readAll()) {
        if (reading) this.set({ queue }, reading.oldestWaitingAgeSeconds);
      }
    },
  });
  new Gauge({
    name: 'parley_redis_up',
    help: `1 when this pod read every queue from Redis at the last scrape within ${timeoutMs} ms, 0 when Redis failed or hung.`,
    registers: [registry],
    async collect() {
      const readings = [...(await readAll()).values()];
      this.set(readings.every((r) => r !== undefined) ? 1 : 0);
    },
  });
}

async function readQueue(queue: Queue): Promise<QueueReading> {
  const [counts, oldest] = await Promise.all([
    queue.getJobCounts(...STATES),
    // One job from the old end of each list; Parley sets no priorities, so "prioritized" is empty
    // in practice and its head would be the most urgent job rather than the oldest anyway.
    queue.getJobs(['wait', 'prioritized'], 0, 0, true),
  ]);
  const timestamps = oldest.filter((job) => job !== undefined).map((job) => job.timestamp);
  return {
    counts: Object.fromEntries(STATES.map((s) => [s, counts[s] ?? 0])) as Record<State, number>,
    oldestWaitingAgeSeconds: timestamps.length ? Math.max(0, Date.now() - Math.min(...timestamps)) / 1000 : 0,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
