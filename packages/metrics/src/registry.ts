import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/**
 * Gauges of prom-client's default metrics that end in `_total`, which Prometheus keeps for
 * counters (`promtool check metrics` rejects them). Each is the sum over the `type` label of the
 * gauge of the same name without the suffix, which stays, so nothing is lost.
 */
const MISNAMED_DEFAULT_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** One registry per process; tests make their own so nothing leaks between them. */
export function createRegistry({ defaultMetrics = true }: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (defaultMetrics) {
    collectDefaultMetrics({ register: registry });
    for (const name of MISNAMED_DEFAULT_GAUGES) registry.removeSingleMetric(name);
  }
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

/**
 * Buckets from 1 ms to 2 min: wide enough for both Redis round trips and slow LLM answers. The
 * SLO thresholds of the alert rules (helm/parley/rules) must be bucket bounds: 5, 10 and 30 s are.
 */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120,
];

/** Buckets for quick operations (an enqueue, a Redis call). */
export const FAST_BUCKETS_SECONDS = [
  0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

/**
 * `parley_component_info{component="gateway"|"worker"} 1`, present from the first scrape on:
 * dashboards count pods and pick one component's process metrics (CPU, memory) by joining on it,
 * whatever the scrape job is called.
 */
export function componentInfo(registry: Registry, component: 'gateway' | 'worker'): void {
  const name = 'parley_component_info';
  // Shared when one registry serves both components (a test, an all-in-one process).
  const gauge =
    (registry.getSingleMetric(name) as Gauge<'component'> | undefined) ??
    new Gauge({
      name,
      help: 'Always 1; the component label says which Parley process this target is (gateway or worker).',
      labelNames: ['component'] as const,
      registers: [registry],
    });
  gauge.set({ component }, 1);
}
