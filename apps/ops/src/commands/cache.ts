import { semanticScopeKeys } from '@parley/llm';
import type { OpsContext } from '../ops-context';
import { keyPattern, scanKeys, unlinkKeys } from '../redis-keys';

/**
 * The answer caches of one bot, as patterns over the same keyspace functions the worker uses:
 * the exact response cache, and the semantic cache's scopes (whose prefix is `<prefix>:<bot>`).
 */
export function cachePatterns(
  ctx: Pick<OpsContext, 'keys'>,
  botId: string,
): { response: RegExp; semantic: RegExp[] } {
  const semantic = semanticScopeKeys(`${ctx.keys.prefix}:${botId}`, '*');
  return {
    response: keyPattern(ctx.keys.responseCache(botId, '*')),
    semantic: [semantic.entries, semantic.order, semantic.version].map(keyPattern),
  };
}

/**
 * Deletes every cached answer of the bot. Worker pods notice on their next lookup: the exact cache
 * is read from Redis each time, and a semantic scope whose version key is gone is re-read.
 */
export async function purgeCache(ctx: OpsContext, opts: { botId: string; dryRun: boolean }): Promise<number> {
  const { response, semantic } = cachePatterns(ctx, opts.botId);
  const keys = await scanKeys(ctx.redis, `${ctx.keys.prefix}:*`, [response, ...semantic]);
  const responseKeys = keys.filter((k) => response.test(k));
  const semanticKeys = keys.filter((k) => !response.test(k));
  const removed = opts.dryRun ? 0 : await unlinkKeys(ctx.redis, keys);
  const summary = {
    botId: opts.botId,
    dryRun: opts.dryRun,
    responseCacheEntries: responseKeys.length,
    semanticCacheKeys: semanticKeys.length,
    removed,
  };
  if (ctx.json) ctx.out(JSON.stringify(summary));
  else
    ctx.out(
      `${opts.dryRun ? 'would purge' : 'purged'} ${responseKeys.length} response cache entries and ` +
        `${semanticKeys.length} semantic cache keys of bot ${opts.botId}`,
    );
  return 0;
}
