import type { WorkerDeps } from '../deps';

/**
 * The last voice note's transcript per chat, for /transcript, and so that a retried voice update
 * reuses its transcript instead of paying for the transcription again. Kept beside the chat's
 * history (same hash slot), for as long as the history, and erased with it by /reset and /forget.
 */
export const transcriptKey = (deps: WorkerDeps, chatId: number) =>
  `${deps.keys.history(deps.config.botId, chatId)}:transcript`;

export async function saveTranscript(deps: WorkerDeps, chatId: number, updateId: number, text: string) {
  const key = transcriptKey(deps, chatId);
  await deps.redis
    .multi()
    .hset(key, { updateId: String(updateId), text })
    .expire(key, deps.config.history.ttlSeconds)
    .exec();
}

export async function loadTranscript(
  deps: WorkerDeps,
  chatId: number,
): Promise<{ updateId: number; text: string } | undefined> {
  const stored = await deps.redis.hgetall(transcriptKey(deps, chatId));
  if (stored.text === undefined || stored.updateId === undefined) return undefined;
  return { updateId: Number(stored.updateId), text: stored.text };
}
