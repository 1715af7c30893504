import type { Queue } from 'bullmq';
import { Counter, Gauge, type Registry } from 'prom-client';

const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;

/**
 * Queue depth and age, read from Redis when Prometheus scrapes (not on a timer). Every pod reads
 * the same shared queue, so dashboards and autoscalers must aggregate these with max, not sum.
 */
export function registerQueueGauges(registry: Registry, queues: Array<{ name: string; queue: Queue }>): void {
  new Gauge({
    name: 'parley_queue_jobs',
    help: 'Jobs in a queue by state, read from Redis at scrape time. Same value on every pod: aggregate with max().',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      for (const { name, queue } of queues) {
        try {
          const counts = await queue.getJobCounts(...STATES);
          for (const state of STATES) this.set({ queue: name, state }, counts[state] ?? 0);
        } catch {
          // Redis down: leave the last values; parley_queue_scrape_errors_total tells the story.
          scrapeErrors.inc({ queue: name });
        }
      }
    },
  });
  new Gauge({
    name: 'parley_queue_oldest_waiting_age_seconds',
    help: 'Age of the oldest job still waiting to be picked up; the backlog as users feel it. Aggregate with max().',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      for (const { name, queue } of queues) {
        try {
          const [oldest] = await queue.getJobs(['wait', 'prioritized'], 0, 0, true);
          this.set({ queue: name }, oldest ? Math.max(0, Date.now() - oldest.timestamp) / 1000 : 0);
        } catch {
          scrapeErrors.inc({ queue: name });
        }
      }
    },
  });
  const scrapeErrors = new Counter({
    name: 'parley_queue_scrape_errors_total',
    help: 'Failures to read queue state from Redis while collecting metrics.',
    labelNames: ['queue'] as const,
    registers: [registry],
  });
}
