export { Registry } from 'prom-client';
export { createGatewayMetrics, type GatewayMetrics, type WebhookOutcome } from './gateway-metrics';
export { instrumentProcessor } from './processor-wrapper';
export { registerQueueGauges } from './queue-gauges';
export { createRegistry, FAST_BUCKETS_SECONDS, LATENCY_BUCKETS_SECONDS, writeMetrics } from './registry';
export { createWorkerMetrics, type WorkerMetrics } from './worker-metrics';
