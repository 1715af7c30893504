import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** One registry per process; tests make their own so nothing leaks between them. */
export function createRegistry({ defaultMetrics = true }: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  return registry;
}

/** Serves the registry in the Prometheus text format. */
export async function writeMetrics(
  registry: Registry,
  _req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(body);
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`metrics collection failed: ${(err as Error).message}\n`);
  }
}

/** Buckets from 1 ms to 2 min: wide enough for both Redis round trips and slow LLM answers. */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 21, 34, 60, 90, 120,
];

/** Buckets for quick operations (an enqueue, a Redis call). */
export const FAST_BUCKETS_SECONDS = [
  0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
