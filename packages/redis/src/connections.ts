import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

/** A single Redis or a Redis Cluster client. */
export type RedisClient = Redis | Cluster;

/** The nodes of a Redis Cluster to start from (the client discovers the rest) and how to log in. */
export interface ClusterTarget {
  nodes: Array<{ host: string; port: number }>;
  username?: string;
  password?: string;
  /** Connect with TLS (`rediss://`). @defaultValue false */
  tls?: boolean;
}

/** A `redis://` / `rediss://` URL of a single server, or a cluster. */
export type RedisTarget = string | ClusterTarget;

/** Options shared by every Parley connection. */
export interface ConnectionOptions {
  /** Name shown in `CLIENT LIST`, so an operator can tell pods and roles apart. */
  connectionName?: string;
  /** How long a TCP connect may take before it is abandoned. @defaultValue 2000 */
  connectTimeoutMs?: number;
  /**
   * Send every command issued in one event-loop turn as one pipeline (ioredis auto-pipelining):
   * concurrent requests share a round trip and a socket write, each still resolving on its own
   * reply. Only for connections whose users issue independent commands (not BullMQ's).
   * @defaultValue false
   */
  autoPipelining?: boolean;
}

// Reconnect forever with a capped backoff: a pod must heal by itself when Redis comes back.
const retryStrategy = (attempt: number): number => Math.min(100 * 2 ** Math.min(attempt, 6), 2_000);

function baseOptions(opts: ConnectionOptions): RedisOptions {
  return {
    connectionName: opts.connectionName,
    connectTimeout: opts.connectTimeoutMs ?? 2_000,
    retryStrategy,
    // BullMQ checks the server version itself; readiness is what our probes watch.
    enableReadyCheck: true,
    enableAutoPipelining: opts.autoPipelining ?? false,
  };
}

/**
 * Opens a connection to `target` with role-specific options. For a cluster, the per-node
 * options go to every node and the offline-queue choice to the cluster client itself.
 */
function open(target: RedisTarget, opts: ConnectionOptions, role: RedisOptions): RedisClient {
  const options = { ...baseOptions(opts), ...role };
  if (typeof target === 'string') return new Redis(target, options);
  const { retryStrategy: _nodeRetry, enableOfflineQueue, enableAutoPipelining, ...nodeOptions } = options;
  const clusterOptions: ClusterOptions = {
    enableOfflineQueue,
    enableAutoPipelining,
    enableReadyCheck: true,
    clusterRetryStrategy: retryStrategy,
    redisOptions: {
      ...nodeOptions,
      username: target.username,
      password: target.password,
      ...(target.tls ? { tls: {} } : {}),
    },
  };
  return new Cluster(target.nodes, clusterOptions);
}

/**
 * Connection for code on a request path (the gateway's enqueue). Commands fail at once while Redis
 * is down instead of piling up in memory, so the caller can answer 503 and let Telegram retry.
 */
export function createProducerConnection(url: string, opts?: ConnectionOptions): Redis;
export function createProducerConnection(target: RedisTarget, opts?: ConnectionOptions): RedisClient;
export function createProducerConnection(target: RedisTarget, opts: ConnectionOptions = {}): RedisClient {
  return open(target, opts, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
}

/**
 * Connection for BullMQ workers: blocking commands must wait through outages, which BullMQ
 * requires to be signalled with `maxRetriesPerRequest: null`.
 */
export function createWorkerConnection(url: string, opts?: ConnectionOptions): Redis;
export function createWorkerConnection(target: RedisTarget, opts?: ConnectionOptions): RedisClient;
export function createWorkerConnection(target: RedisTarget, opts: ConnectionOptions = {}): RedisClient {
  return open(target, opts, { maxRetriesPerRequest: null, enableOfflineQueue: true });
}

/**
 * Connection for the worker's own reads and writes (history, cache, ledger). A short outage is
 * ridden out by the offline queue; a long one fails the command so the job is retried by BullMQ.
 */
export function createCommandConnection(url: string, opts?: ConnectionOptions): Redis;
export function createCommandConnection(target: RedisTarget, opts?: ConnectionOptions): RedisClient;
export function createCommandConnection(target: RedisTarget, opts: ConnectionOptions = {}): RedisClient {
  return open(target, opts, { maxRetriesPerRequest: 3, enableOfflineQueue: true });
}

/** PING with a deadline: readiness probes must answer quickly even when Redis hangs. */
export async function pingWithTimeout(redis: RedisClient, timeoutMs: number): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([redis.ping().then((r) => r === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
