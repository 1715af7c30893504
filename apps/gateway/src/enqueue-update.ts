import type { TelegramUpdate, UpdateJob } from '@parley/contracts';
import { acceptUpdate } from '@parley/lanes';
import type { GatewayDeps } from './deps';

export class QueueUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`queue unavailable: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'QueueUnavailableError';
  }
}

type EnqueueDeps = Pick<GatewayDeps, 'config' | 'accept' | 'metrics'> & {
  /** Runs after the update is stored (the overload notice); its failure never fails the update. */
  afterAccept?: (payload: UpdateJob) => Promise<void>;
};

/**
 * Stores an update durably. Resolves only once Redis has acknowledged every write; rejects with
 * QueueUnavailableError within `enqueueTimeoutMs` when Redis does not answer (the webhook then
 * answers 503 and Telegram delivers the update again, which is harmless: every step is idempotent).
 * Updates of a chat go to the chat's inbox, drained in order by the chat's lane (see @parley/lanes).
 * `rawUpdate` is the request body the update was parsed from, stored as is.
 */
export async function enqueueUpdate(
  deps: EnqueueDeps,
  update: TelegramUpdate,
  rawUpdate?: string,
): Promise<void> {
  const payload: UpdateJob = { botId: deps.config.botId, update, receivedAt: Date.now() };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      acceptUpdate(deps.accept, payload, { rawUpdate }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not acknowledge within ${deps.config.enqueueTimeoutMs} ms`)),
          deps.config.enqueueTimeoutMs,
        );
      }),
    ]);
    deps.metrics.enqueueDuration.observe({ outcome: 'ok' }, (performance.now() - started) / 1000);
  } catch (err) {
    deps.metrics.enqueueDuration.observe({ outcome: 'error' }, (performance.now() - started) / 1000);
    throw new QueueUnavailableError(err);
  } finally {
    clearTimeout(timer);
  }
  await deps.afterAccept?.(payload).catch(() => {});
}
