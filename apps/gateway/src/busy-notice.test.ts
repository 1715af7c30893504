import { loadGatewayConfig } from '@parley/config';
import { createLogger } from '@parley/logging';
import { createTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@parley/testing';
import { type RunningGateway, startGateway } from './gateway';

const SECRET = 'busy-secret';

describe('overload notice', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('gw-busy');
  let gateway: RunningGateway;

  beforeAll(async () => {
    const config = loadGatewayConfig({
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      BUSY_NOTICE_AFTER_MS: '2000',
    });
    gateway = await startGateway(config, createLogger({ name: 't', level: 'silent' }));
    await waitFor(async () => (await fetch(`${gateway.url}/readyz`)).status === 200, { what: 'readiness' });
  });
  afterAll(async () => {
    await gateway.close();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  const post = (updateId: number, chatId: number) =>
    fetch(`${gateway.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify({
        update_id: updateId,
        message: { message_id: updateId, date: 1, chat: { id: chatId, type: 'private' }, text: 'hi' },
      }),
    });

  it('queues one notice per chat only while the backlog is older than the threshold', async () => {
    const notices = () => gateway.deps.noticesQueue.getJobCountByTypes('waiting');
    expect((await post(1, 501)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await notices()).toBe(0);

    // A backlog whose oldest job has waited 5 s.
    await gateway.deps.shards.all[0]!.queue.add(
      'chat-lane',
      { botId: 'default', chatId: 999 },
      { timestamp: Date.now() - 5_000 },
    );
    await waitFor(
      async () => {
        await post(Math.floor(Math.random() * 1e6) + 10, 502);
        return (await notices()) >= 1;
      },
      { what: 'a notice', timeoutMs: 5_000, intervalMs: 300 },
    );
    const count = await notices();
    expect((await post(2_000_001, 502)).status).toBe(200);
    expect((await post(2_000_002, 502)).status).toBe(200);
    expect(await notices()).toBe(count);
    const [job] = await gateway.deps.noticesQueue.getJobs(['waiting']);
    expect(job?.data).toMatchObject({ botId: 'default', chatId: 502 });
  });
});
