import { queues, type TelegramUpdate, type UpdateJob, updateChatId, updateJobId } from '@parley/contracts';
import { armLane, markPending } from '@parley/lanes';
import type { GatewayDeps } from './deps';

export class QueueUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`queue unavailable: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'QueueUnavailableError';
  }
}

type EnqueueDeps = Pick<GatewayDeps, 'config' | 'updatesQueue' | 'metrics' | 'inbox' | 'redis' | 'keys'>;

/**
 * Stores an update durably. Resolves only once Redis has acknowledged every write; rejects with
 * QueueUnavailableError within `enqueueTimeoutMs` when Redis does not answer (the webhook then
 * answers 503 and Telegram delivers the update again, which is harmless: every step is idempotent).
 *
 * An update that belongs to a chat goes to that chat's inbox, and the chat's lane is armed: the
 * lane answers the chat's updates one after another, in Telegram's order. Updates without a
 * chat become jobs of their own, with the update id as job id.
 */
export async function enqueueUpdate(deps: EnqueueDeps, update: TelegramUpdate): Promise<void> {
  const payload: UpdateJob = { botId: deps.config.botId, update, receivedAt: Date.now() };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store(deps, payload),
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
}

async function store(deps: EnqueueDeps, payload: UpdateJob): Promise<void> {
  const chatId = updateChatId(payload.update);
  if (chatId === undefined) {
    const contract = queues.updates.jobs['telegram-update'];
    await deps.updatesQueue.add('telegram-update', payload, { ...contract.options, jobId: updateJobId(payload) });
    return;
  }
  // The inbox write must be acknowledged before the lane is armed, or a fast lane could find
  // the inbox empty and finish while the update is still on its way.
  await deps.inbox.add(payload, chatId);
  await Promise.all([
    markPending(deps.redis, deps.keys, payload.botId, chatId, payload.receivedAt),
    armLane(deps.updatesQueue, payload.botId, chatId),
  ]);
}
