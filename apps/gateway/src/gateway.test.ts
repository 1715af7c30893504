import { request } from 'node:http';
import { loadGatewayConfig } from '@parley/config';
import { chatShardIndex } from '@parley/contracts';
import { createLogger } from '@parley/logging';
import { type LocalRedis, startRedisServer } from '@parley/redis';
import { createTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@parley/testing';
import { type RunningGateway, startGateway } from './gateway';

const SECRET = 'test-secret_123';
const logger = createLogger({ name: 'gateway-test', level: 'silent' });

function configFor(redisUrl: string, prefix: string, extra: Record<string, string> = {}) {
  return loadGatewayConfig({
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    MAX_BODY_BYTES: '4096',
    ENQUEUE_TIMEOUT_MS: '300',
    SHUTDOWN_GRACE_MS: '1000',
    ...extra,
  });
}

const update = (id: number, text = 'hello') => ({
  update_id: id,
  message: {
    message_id: id,
    date: 1_700_000_000,
    chat: { id: 42, type: 'private' },
    from: { id: 42, is_bot: false, first_name: 'A' },
    text,
  },
});

async function post(
  gateway: RunningGateway,
  body: unknown,
  headers: Record<string, string> = { 'x-telegram-bot-api-secret-token': SECRET },
) {
  const res = await fetch(`${gateway.url}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; error?: string } };
}

describe('gateway against real Redis', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('gw');
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startGateway(configFor(testRedisUrl(), prefix), logger);
    await waitFor(async () => (await fetch(`${gateway.url}/readyz`)).status === 200, { what: 'readiness' });
  });
  afterAll(async () => {
    await gateway.close();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  const inboxIds = async () => (await gateway.deps.inbox.peek('default', 42, 1000)).map((e) => e.updateId);
  const laneJobs = () =>
    gateway.deps.shards.all[0]!.queue.getJobCountByTypes('waiting', 'active', 'completed', 'delayed');

  it('stores a valid update and answers 200', async () => {
    const res = await post(gateway, update(1));
    expect(res).toEqual({ status: 200, body: { ok: true } });
    const [entry] = await gateway.deps.inbox.peek('default', 42, 1);
    expect(entry?.payload?.update.update_id).toBe(1);
    expect(entry?.payload?.botId).toBe('default');
    // The chat's lane is armed to drain the inbox.
    const [lane] = await gateway.deps.shards.all[0]!.queue.getJobs(['waiting']);
    expect(lane?.name).toBe('chat-lane');
    expect(lane?.data).toEqual({ botId: 'default', chatId: 42 });
  });

  it('turns an update without a chat into a job of its own', async () => {
    const inline = {
      update_id: 77,
      inline_query: { id: 'q', from: { id: 1, is_bot: false, first_name: 'A' }, query: 'x', offset: '' },
    };
    expect((await post(gateway, inline)).status).toBe(200);
    expect((await post(gateway, inline)).status).toBe(200);
    const job = await gateway.deps.shards.all[0]!.queue.getJob('default-u77');
    expect(job?.name).toBe('telegram-update');
    expect(job?.data.update.update_id).toBe(77);
  });

  it('keeps one job when Telegram delivers the same update three times', async () => {
    const lanesBefore = await laneJobs();
    for (let i = 0; i < 3; i++) expect((await post(gateway, update(2))).status).toBe(200);
    expect((await inboxIds()).filter((id) => id === 2)).toHaveLength(1);
    // Still one lane for the chat.
    expect(await laneJobs()).toBe(lanesBefore);
  });

  it.each([
    ['missing', {}],
    ['wrong', { 'x-telegram-bot-api-secret-token': 'nope' }],
  ])('answers 401 to a %s secret and enqueues nothing', async (_label, headers) => {
    const before = await inboxIds();
    const res = await post(gateway, update(3), headers);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatch(/secret/i);
    expect(await inboxIds()).toEqual(before);
    expect(before).not.toContain(3);
  });

  it.each([
    ['not JSON', '{"update_id": 1', 400, /not valid JSON/],
    ['an array', [1, 2], 400, /JSON object/],
    ['without update_id', { message: {} }, 400, /update_id/],
    ['with a string update_id', { update_id: 'x' }, 400, /update_id must be an integer/],
    ['oversized', { update_id: 9, padding: 'x'.repeat(5000) }, 413, /larger than 4096/],
  ])('answers 4xx with a reason to a body that is %s', async (_label, body, status, reason) => {
    const before = await inboxIds();
    const res = await post(gateway, body);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(reason);
    expect(await inboxIds()).toEqual(before);
  });

  it('serves probes and metrics', async () => {
    expect((await fetch(`${gateway.url}/livez`)).status).toBe(200);
    expect(await (await fetch(`${gateway.url}/readyz`)).json()).toEqual({
      ok: true,
      redis: 'up',
      draining: false,
    });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/parley_gateway_webhook_requests_total\{outcome="accepted"\} [1-9]/);
    expect(metrics).toMatch(/parley_gateway_webhook_requests_total\{outcome="unauthorized"\} 2/);
    expect(metrics).toContain('parley_gateway_enqueue_duration_seconds_bucket');
    expect((await fetch(`${gateway.url}/nope`)).status).toBe(404);
  });
});

describe('gateway when Redis goes away', () => {
  let local: LocalRedis;
  let gateway: RunningGateway;
  let port: number;

  beforeAll(async () => {
    local = await startRedisServer();
    port = Number(new URL(local.url).port);
    gateway = await startGateway(configFor(local.url, uniquePrefix('gw-down')), logger);
    await waitFor(async () => (await fetch(`${gateway.url}/readyz`)).status === 200, { what: 'readiness' });
  });
  afterAll(async () => {
    await gateway.close();
    await local.stop();
  });

  it('answers 503 quickly while Redis is down and heals by itself when it returns', async () => {
    expect((await post(gateway, update(100))).status).toBe(200);
    await local.stop();

    const started = Date.now();
    const down = await post(gateway, update(101));
    expect(down.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${gateway.url}/livez`)).status).toBe(200);

    local = await startRedisServer({ port });
    await waitFor(async () => (await post(gateway, update(101))).status === 200, {
      timeoutMs: 15_000,
      what: 'the gateway to accept updates again',
    });
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    expect((await gateway.deps.inbox.peek('default', 42, 10)).map((e) => e.updateId)).toContain(101);
  });
});

describe('gateway shutdown', () => {
  it('lets an in-flight webhook finish, then refuses new connections', async () => {
    const redis = createTestRedis();
    const prefix = uniquePrefix('gw-drain');
    const gateway = await startGateway(configFor(testRedisUrl(), prefix), logger);
    const body = JSON.stringify(update(500));
    const { port } = new URL(gateway.url);
    // Send the headers and half the body, start the shutdown, then finish the body.
    const answer = new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/telegram/webhook',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-telegram-bot-api-secret-token': SECRET,
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        closing = gateway.close();
        setTimeout(() => req.end(body.slice(10)), 50);
      }, 50);
    });
    let closing: Promise<void> | undefined;
    expect(await answer).toBe(200);
    await closing;
    await expect(fetch(`${gateway.url}/livez`)).rejects.toThrow();
    expect(await redis.zscore(`${prefix}:{default:42}:inbox`, '500')).toBe('500');
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('fails readiness at once but keeps answering webhooks during the shutdown delay', async () => {
    const redis = createTestRedis();
    const prefix = uniquePrefix('gw-delay');
    const gateway = await startGateway(
      configFor(testRedisUrl(), prefix, { SHUTDOWN_DELAY_MS: '1500' }),
      logger,
    );
    await waitFor(async () => (await fetch(`${gateway.url}/readyz`)).status === 200, { what: 'readiness' });
    const closing = gateway.close();
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ draining: true });
    expect((await post(gateway, update(600))).status).toBe(200);
    await closing;
    await expect(fetch(`${gateway.url}/livez`)).rejects.toThrow();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });
});

describe('gateway with a sharded updates queue', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('gw-shards');
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startGateway(configFor(testRedisUrl(), prefix, { UPDATE_QUEUE_SHARDS: '4' }), logger);
    await waitFor(async () => (await fetch(`${gateway.url}/readyz`)).status === 200, { what: 'readiness' });
  });
  afterAll(async () => {
    await gateway.close();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  const chatUpdate = (id: number, chatId: number) => ({
    update_id: id,
    message: { message_id: id, date: 1, chat: { id: chatId, type: 'private' }, text: 'hi' },
  });

  it("arms each chat's lane in the chat's own shard, and spreads chats over the shards", async () => {
    const chats = Array.from({ length: 40 }, (_, i) => 9_000 + i);
    // Concurrent requests: their inbox writes share pipelines; each still gets its own 200.
    const statuses = await Promise.all(
      chats.flatMap((chatId, i) => [
        post(gateway, chatUpdate(2 * i + 1, chatId)),
        post(gateway, chatUpdate(2 * i + 2, chatId)),
      ]),
    );
    expect(statuses.every((r) => r.status === 200)).toBe(true);
    const { shards } = gateway.deps;
    expect(shards.all.map((s) => s.queuePrefix)).toEqual(
      [0, 1, 2, 3].map((i) => `${prefix}:{${prefix}:q${i}}`),
    );
    const used = new Set<number>();
    for (const chatId of chats) {
      const index = chatShardIndex('default', chatId, 4);
      const shard = shards.all[index];
      const lanes = await shard?.queue.getJobs(['waiting']);
      expect(lanes?.filter((j) => j.data.chatId === chatId)).toHaveLength(1);
      expect(await redis.zscore(shard?.pendingLanes ?? '', `default:${chatId}`)).not.toBeNull();
      expect(await gateway.deps.inbox.size('default', chatId)).toBe(2);
      used.add(index);
    }
    expect(used.size).toBe(4);
    // Nothing went to the unsharded queue.
    expect(await redis.exists(`${prefix}:updates:meta`, `${prefix}:lanes:pending`)).toBe(0);
  });
});
