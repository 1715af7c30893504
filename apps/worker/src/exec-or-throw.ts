import type { ChainableCommander } from 'ioredis';

/** Runs a MULTI and fails loudly if Redis aborted it or any command in it failed. */
export async function execOrThrow(tx: ChainableCommander): Promise<void> {
  const results = await tx.exec();
  const failed = results?.find(([err]) => err);
  if (!results || failed) throw new Error(`Redis transaction failed: ${failed?.[0]?.message ?? 'aborted'}`);
}
