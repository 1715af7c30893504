import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import { type Job, Queue, UnrecoverableError } from 'bullmq';
import { instrumentProcessor } from './processor-wrapper';
import { registerQueueGauges } from './queue-gauges';
import { createRegistry } from './registry';
import { createWorkerMetrics } from './worker-metrics';

const redis = createTestRedis();
const prefix = uniquePrefix('metrics');

afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

describe('queue gauges', () => {
  it('reads depth and oldest age from Redis at scrape time', async () => {
    const queue = new Queue('updates', { connection: redis, prefix });
    const registry = createRegistry({ defaultMetrics: false });
    registerQueueGauges(registry, [{ name: 'updates', queue }]);
    await queue.add('x', {}, { timestamp: Date.now() - 5_000 });
    await queue.add('x', {});
    const text = await registry.metrics();
    expect(text).toContain('parley_queue_jobs{queue="updates",state="waiting"} 2');
    const age = Number(/parley_queue_oldest_waiting_age_seconds\{queue="updates"\} ([\d.]+)/.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(4.9);
    expect(text).toContain('parley_redis_up 1');
    await queue.close();
  });

  it('takes the oldest of the waiting and prioritized jobs', async () => {
    const queue = new Queue('aged', { connection: redis, prefix });
    const registry = createRegistry({ defaultMetrics: false });
    registerQueueGauges(registry, [{ name: 'aged', queue }]);
    await queue.add('x', {}, { timestamp: Date.now() - 2_000 });
    await queue.add('x', {}, { priority: 5, timestamp: Date.now() - 30_000 });
    const text = await registry.metrics();
    const age = Number(/parley_queue_oldest_waiting_age_seconds\{queue="aged"\} ([\d.]+)/.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(29.9);
    await queue.close();
  });

  it('reports Redis down within the read timeout instead of hanging the scrape', async () => {
    // A port nobody listens on: ioredis keeps reconnecting and queues the commands.
    const queue = new Queue('updates', { connection: { host: '127.0.0.1', port: 1 }, prefix });
    queue.on('error', () => {});
    try {
      const registry = createRegistry({ defaultMetrics: false });
      registerQueueGauges(registry, [{ name: 'updates', queue }], { readTimeoutMs: 300 });
      const started = Date.now();
      const text = await registry.metrics();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(text).toContain('parley_redis_up 0');
      // One failed read per scrape, however many gauges share it.
      expect(text).toContain('parley_queue_scrape_errors_total{queue="updates"} 1');
      expect(text).not.toMatch(/parley_queue_jobs\{/);
    } finally {
      await queue.close();
    }
  });
});

describe('processor wrapper', () => {
  const fakeJob = (attemptsMade: number, attempts: number) =>
    ({ attemptsMade, timestamp: Date.now() - 2_000, opts: { attempts } }) as unknown as Job<unknown>;

  it('counts outcomes and wait time', async () => {
    const registry = createRegistry({ defaultMetrics: false });
    const metrics = createWorkerMetrics(registry);
    const ok = instrumentProcessor('q', metrics, async () => 'done');
    const flaky = instrumentProcessor('q', metrics, async () => {
      throw new Error('boom');
    });
    const fatal = instrumentProcessor('q', metrics, async () => {
      throw new UnrecoverableError('bad payload');
    });
    await expect(ok(fakeJob(0, 3))).resolves.toBe('done');
    await expect(flaky(fakeJob(0, 3))).rejects.toThrow('boom');
    await expect(flaky(fakeJob(2, 3))).rejects.toThrow('boom');
    await expect(fatal(fakeJob(0, 3))).rejects.toThrow('bad payload');
    const text = await registry.metrics();
    expect(text).toContain('parley_worker_jobs_total{queue="q",outcome="completed"} 1');
    expect(text).toContain('parley_worker_jobs_total{queue="q",outcome="retried"} 1');
    expect(text).toContain('parley_worker_jobs_total{queue="q",outcome="failed"} 2');
    // Three first attempts observed their wait; the retry did not.
    expect(text).toContain('parley_worker_job_wait_seconds_count{queue="q"} 3');
  });
});
