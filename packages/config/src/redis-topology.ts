import { z } from 'zod';
import { envInt, envOptionalString } from './env';

/** A Redis Cluster to connect to (REDIS_CLUSTER_NODES), logging in as REDIS_URL says. */
export interface RedisClusterSettings {
  nodes: Array<{ host: string; port: number }>;
  username?: string;
  password?: string;
  /** From a `rediss://` REDIS_URL. */
  tls: boolean;
}

const NODES_PROBLEM =
  'must be a comma-separated list of host:port cluster nodes, e.g. redis-0:6379,redis-1:6379';

/** Variables about where Redis is and how the updates queue is split, shared by gateway and worker. */
export const redisTopologyEnvSchema = {
  REDIS_CLUSTER_NODES: envOptionalString().pipe(
    z
      .string()
      .optional()
      .refine((value) => value === undefined || parseNodes(value) !== undefined, NODES_PROBLEM),
  ),
  UPDATE_QUEUE_SHARDS: envInt('must be an integer between 1 and 128', { min: 1, max: 128 }).default(1),
};

function parseNodes(spec: string): RedisClusterSettings['nodes'] | undefined {
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return undefined;
  const nodes: RedisClusterSettings['nodes'] = [];
  for (const entry of entries) {
    const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match?.[1] || port < 1 || port > 65_535) return undefined;
    nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
  }
  return nodes;
}

/** The cluster settings, or undefined for a single server (REDIS_URL). */
export function clusterSettings(
  nodesSpec: string | undefined,
  redisUrl: string,
): RedisClusterSettings | undefined {
  const nodes = nodesSpec === undefined ? undefined : parseNodes(nodesSpec);
  if (!nodes) return undefined;
  // Credentials and TLS stay in one place (REDIS_URL) so the node list carries no secret.
  const url = new URL(redisUrl);
  return {
    nodes,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls: url.protocol === 'rediss:',
  };
}
