import type { Cluster, Redis } from 'ioredis';

/**
 * A key pattern built from the keyspace functions with `*` in place of a variable part, as a
 * RegExp. Parley's prefixes, bot ids and hashes never contain glob characters, so `*` is the only
 * special character there is.
 */
export function keyPattern(glob: string): RegExp {
  const escaped = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`);
}

/**
 * Every key under `match` (a Redis glob) that one of `patterns` accepts, found with SCAN so that
 * Redis is never blocked the way KEYS would block it.
 */
export async function scanKeys(redis: Redis, match: string, patterns: RegExp[] = []): Promise<string[]> {
  const found = new Set<string>();
  for (const node of nodesOf(redis)) {
    const stream = node.scanStream({ match, count: 1_000 });
    for await (const batch of stream as AsyncIterable<string[]>) {
      for (const key of batch) if (patterns.length === 0 || patterns.some((p) => p.test(key))) found.add(key);
    }
  }
  return [...found];
}

const isCluster = (redis: Redis): boolean => (redis as unknown as { isCluster?: boolean }).isCluster === true;

/** SCAN walks one server: on a Redis Cluster every master is scanned. */
function nodesOf(redis: Redis): Redis[] {
  return isCluster(redis) ? (redis as unknown as Cluster).nodes('master') : [redis];
}

/** UNLINK frees memory in the background, so a large purge does not stall Redis. */
export async function unlinkKeys(redis: Redis, keys: string[]): Promise<number> {
  let removed = 0;
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    // A cluster refuses one command over keys of several slots: one UNLINK per key there.
    if (isCluster(redis))
      removed += (await Promise.all(batch.map((k) => redis.unlink(k)))).reduce((a, b) => a + b, 0);
    else removed += await redis.unlink(...batch);
  }
  return removed;
}
