import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { WorkerMetrics } from './worker-metrics';

type Processor<T, R> = (job: Job<T>, token?: string) => Promise<R>;

/**
 * Wraps a BullMQ processor once for all queues: records how long the job waited, how long it
 * ran, how it ended, and when consumption last made progress.
 */
export function instrumentProcessor<T, R>(
  queue: string,
  metrics: Pick<WorkerMetrics, 'jobs' | 'jobWait' | 'jobDuration' | 'lastJobTimestamp'>,
  processor: Processor<T, R>,
): Processor<T, R> {
  // Exported at 0 before the first job, so that rate() sees the first completions and failures.
  for (const outcome of ['completed', 'retried', 'delayed', 'failed'] as const)
    metrics.jobs.inc({ queue, outcome }, 0);
  metrics.jobWait.zero({ queue });
  return async (job, token) => {
    const started = Date.now();
    // Only the first attempt's wait says something about capacity; retries wait on purpose.
    if (job.attemptsMade === 0)
      metrics.jobWait.observe({ queue }, Math.max(0, started - job.timestamp) / 1000);
    let outcome: 'completed' | 'retried' | 'delayed' | 'failed' = 'completed';
    try {
      return await processor(job, token);
    } catch (err) {
      const attempts = job.opts.attempts ?? 1;
      const lastAttempt = job.attemptsMade + 1 >= attempts;
      // A DelayedError is a deliberate wait (e.g. Telegram's retry_after), not a failure.
      if (err instanceof DelayedError) outcome = 'delayed';
      else outcome = err instanceof UnrecoverableError || lastAttempt ? 'failed' : 'retried';
      throw err;
    } finally {
      metrics.jobs.inc({ queue, outcome });
      metrics.jobDuration.observe({ queue, outcome }, (Date.now() - started) / 1000);
      metrics.lastJobTimestamp.set({ queue }, Date.now() / 1000);
    }
  };
}
