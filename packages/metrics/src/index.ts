export { Registry } from 'prom-client';
export { createGatewayMetrics, type GatewayMetrics, type WebhookOutcome } from './gateway-metrics';
export { instrumentProcessor } from './processor-wrapper';
export { type QueueGaugeOptions, registerQueueGauges } from './queue-gauges';
export { createRegistry, FAST_BUCKETS_SECONDS, LATENCY_BUCKETS_SECONDS, writeMetrics } from './registry';
export { createWorkerMetrics, type WorkerMetrics, type WorkerMetricsOptions } from './worker-metrics';
