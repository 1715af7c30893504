import { Redis, type RedisOptions } from 'ioredis';

/** Options shared by every Parley connection. */
export interface ConnectionOptions {
  /** Name shown in `CLIENT LIST`, so an operator can tell pods and roles apart. */
  connectionName?: string;
  /** How long a TCP connect may take before it is abandoned. @defaultValue 2000 */
  connectTimeoutMs?: number;
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
  };
}

/**
 * Connection for code on a request path (the gateway's enqueue). Commands fail at once while Redis
 * is down instead of piling up in memory, so the caller can answer 503 and let Telegram retry.
 */
export function createProducerConnection(url: string, opts: ConnectionOptions = {}): Redis {
  return new Redis(url, { ...baseOptions(opts), enableOfflineQueue: false, maxRetriesPerRequest: 1 });
}

/**
 * Connection for BullMQ workers: blocking commands must wait through outages, which BullMQ
 * requires to be signalled with `maxRetriesPerRequest: null`.
 */
export function createWorkerConnection(url: string, opts: ConnectionOptions = {}): Redis {
  return new Redis(url, { ...baseOptions(opts), maxRetriesPerRequest: null, enableOfflineQueue: true });
}

/**
 * Connection for the worker's own reads and writes (history, cache, ledger). A short outage is
 * ridden out by the offline queue; a long one fails the command so the job is retried by BullMQ.
 */
export function createCommandConnection(url: string, opts: ConnectionOptions = {}): Redis {
  return new Redis(url, { ...baseOptions(opts), maxRetriesPerRequest: 3, enableOfflineQueue: true });
}

/** PING with a deadline: readiness probes must answer quickly even when Redis hangs. */
export async function pingWithTimeout(redis: Redis, timeoutMs: number): Promise<boolean> {
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
