import { Counter, Histogram, type Registry } from 'prom-client';
import { componentInfo, FAST_BUCKETS_SECONDS } from './registry';

const WEBHOOK_OUTCOMES = [
  'accepted',
  'unauthorized',
  'bad_request',
  'too_large',
  'unavailable',
  'not_found',
  'method_not_allowed',
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

export function createGatewayMetrics(registry: Registry) {
  componentInfo(registry, 'gateway');
  const metrics = {
    webhookRequests: new Counter({
      name: 'parley_gateway_webhook_requests_total',
      help: 'Webhook requests by outcome. "unavailable" means Redis did not take the update and Telegram will re-send it; "unauthorized" means a wrong or missing secret token.',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    enqueueDuration: new Histogram({
      name: 'parley_gateway_enqueue_duration_seconds',
      help: 'Time to store one update durably in the queue (what a webhook answer waits for).',
      labelNames: ['outcome'] as const,
      buckets: FAST_BUCKETS_SECONDS,
      registers: [registry],
    }),
    polledUpdates: new Counter({
      name: 'parley_gateway_polled_updates_total',
      help: 'Updates taken from getUpdates in polling mode (local use without a public webhook).',
      registers: [registry],
    }),
  };
  // Every outcome exported at 0 from the start: rate() cannot see a counter go from absent to 1,
  // so the first 503s would otherwise never reach a dashboard or ParleyRedisDown.
  for (const outcome of WEBHOOK_OUTCOMES) metrics.webhookRequests.inc({ outcome }, 0);
  for (const outcome of ['ok', 'error']) metrics.enqueueDuration.zero({ outcome });
  return metrics;
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
