import { spawnSync } from 'node:child_process';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import { Queue } from 'bullmq';
import { createGatewayMetrics } from './gateway-metrics';
import { instrumentProcessor } from './processor-wrapper';
import { registerQueueGauges } from './queue-gauges';
import { createRegistry } from './registry';
import { createWorkerMetrics } from './worker-metrics';

/** Runs `promtool check metrics` (Debian package `prometheus`) on an exposition text. */
function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (run.error) throw new Error(`promtool not runnable (apt-get install prometheus): ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

describe('metric names follow Prometheus conventions', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('conventions');

  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('promtool accepts every metric of each process, default process metrics included', async () => {
    const queue = new Queue('updates', { connection: redis, prefix });
    const gateway = createRegistry();
    const gatewayMetrics = createGatewayMetrics(gateway);
    gatewayMetrics.webhookRequests.inc({ outcome: 'accepted' });
    gatewayMetrics.enqueueDuration.observe({ outcome: 'ok' }, 0.002);

    const worker = createRegistry();
    const m = createWorkerMetrics(worker);
    registerQueueGauges(worker, [{ name: 'updates', queue }]);
    m.jobs.inc({ queue: 'updates', outcome: 'completed' });
    m.jobWait.observe({ queue: 'updates' }, 0.1);
    m.updateToReply.observe(2);
    m.updateToFirstText.observe(1);
    m.llmRequests.inc({ backend: 'primary', model: 'm', outcome: 'ok' });
    m.llmTokens.inc({ backend: 'primary', model: 'm', type: 'prompt' }, 12);
    m.llmCircuitState.set({ backend: 'primary' }, 0);
    m.telegramCalls.inc({ method: 'sendMessage', outcome: 'error_429' });

    for (const registry of [gateway, worker]) {
      const text = await registry.metrics();
      expect(promtoolCheckMetrics(text)).toEqual({ status: 0, output: '' });
    }
    await queue.close();
  });

  it('promtool does reject a gauge named like a counter (the check has teeth)', () => {
    const text = '# HELP x_things_total Things.\n# TYPE x_things_total gauge\nx_things_total 1\n';
    const result = promtoolCheckMetrics(text);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('non-counter metrics should not have "_total" suffix');
  });

  it('tells gateway and worker targets apart from the first scrape on', async () => {
    const gateway = createRegistry({ defaultMetrics: false });
    createGatewayMetrics(gateway);
    const worker = createRegistry({ defaultMetrics: false });
    createWorkerMetrics(worker);
    expect(await gateway.metrics()).toContain('parley_component_info{component="gateway"} 1');
    expect(await worker.metrics()).toContain('parley_component_info{component="worker"} 1');
  });

  it('exposes the Telegram SLO metrics before the first observation', async () => {
    const worker = createRegistry({ defaultMetrics: false });
    createWorkerMetrics(worker);
    const text = await worker.metrics();
    for (const name of [
      'parley_update_reply_latency_seconds_count',
      'parley_update_first_text_latency_seconds_count',
      'parley_update_reply_latency_seconds_bucket{le="10"}',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('exports the series alerts and ratios read at 0 before their first increment', async () => {
    // rate() cannot see a counter go from absent to 1: the first 503, 429 or cache hit would be lost.
    const gateway = createRegistry({ defaultMetrics: false });
    createGatewayMetrics(gateway);
    expect(await gateway.metrics()).toContain(
      'parley_gateway_webhook_requests_total{outcome="unavailable"} 0',
    );

    const worker = createRegistry({ defaultMetrics: false });
    const m = createWorkerMetrics(worker, { llmBackends: [{ name: 'fallback-1', model: 'llama3' }] });
    instrumentProcessor('updates', m, async () => undefined);
    const text = await worker.metrics();
    for (const line of [
      'parley_response_cache_requests_total{result="hit"} 0',
      'parley_semantic_cache_lookups_total{result="near_miss"} 0',
      'parley_llm_single_flight_total{result="shared"} 0',
      'parley_updates_total{kind="message",handling="dead_letter"} 0',
      'parley_telegram_api_calls_total{method="sendMessage",outcome="error_429"} 0',
      'parley_worker_jobs_total{queue="updates",outcome="failed"} 0',
      'parley_worker_job_wait_seconds_count{queue="updates"} 0',
      'parley_llm_requests_total{backend="fallback-1",model="llama3",outcome="skipped_open"} 0',
      'parley_llm_circuit_state{backend="fallback-1"} 0',
    ]) {
      expect(text).toContain(line);
    }
  });
});
