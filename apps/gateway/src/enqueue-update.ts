import { queues, type TelegramUpdate, type UpdateJob } from '@parley/contracts';
import type { GatewayDeps } from './deps';

export class QueueUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`queue unavailable: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'QueueUnavailableError';
  }
}

/**
 * Stores an update in the updates queue. Resolves only once Redis has acknowledged the job;
 * rejects with QueueUnavailableError within `enqueueTimeoutMs` when Redis does not answer.
 * A re-delivered update maps to the same job id, so BullMQ keeps a single job for it.
 */
export async function enqueueUpdate(
  deps: Pick<GatewayDeps, 'config' | 'updatesQueue' | 'metrics'>,
  update: TelegramUpdate,
): Promise<string> {
  const payload: UpdateJob = { botId: deps.config.botId, update, receivedAt: Date.now() };
  const contract = queues.updates;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const job = await Promise.race([
      deps.updatesQueue.add(contract.jobName, payload, { jobId: contract.jobId(payload) }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not acknowledge within ${deps.config.enqueueTimeoutMs} ms`)),
          deps.config.enqueueTimeoutMs,
        );
      }),
    ]);
    deps.metrics.enqueueDuration.observe({ outcome: 'ok' }, (performance.now() - started) / 1000);
    return job.id ?? contract.jobId(payload);
  } catch (err) {
    deps.metrics.enqueueDuration.observe({ outcome: 'error' }, (performance.now() - started) / 1000);
    throw new QueueUnavailableError(err);
  } finally {
    clearTimeout(timer);
  }
}
