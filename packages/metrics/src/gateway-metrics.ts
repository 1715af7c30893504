import { Counter, Histogram, type Registry } from 'prom-client';
import { FAST_BUCKETS_SECONDS } from './registry';

export type WebhookOutcome =
  | 'accepted'
  | 'unauthorized'
  | 'bad_request'
  | 'too_large'
  | 'unavailable'
  | 'not_found'
  | 'method_not_allowed';

export function createGatewayMetrics(registry: Registry) {
  return {
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
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
