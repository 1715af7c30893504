import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '@parley/config';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import { type AdminQueue, adminQueues } from './admin-queues';
import { createAdminApp } from './admin-server';
import { loadAdminConfig } from './config';

const redis = createTestRedis();
const prefix = uniquePrefix('admin');
let queues: AdminQueue[] = [];
let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await Promise.all(queues.map((q) => q.queue.close()));
});
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

async function start(shards: number): Promise<string> {
  queues = adminQueues(redis, prefix, shards);
  const app = createAdminApp({ queues, username: 'oncall', password: 'correct horse battery' });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function get(url: string, authorization?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(url, { headers: authorization ? { authorization } : {} }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('admin server', () => {
  it('answers 401 without credentials or with wrong ones, on the page and on the API', async () => {
    const url = await start(1);
    for (const path of ['/', '/api/queues', '/queue/updates']) {
      const anonymous = await get(`${url}${path}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBe('Basic realm="parley-admin", charset="UTF-8"');
      expect((await get(`${url}${path}`, basic('oncall', 'wrong password!'))).status).toBe(401);
      expect((await get(`${url}${path}`, basic('someone', 'correct horse battery'))).status).toBe(401);
    }
    expect((await get(`${url}/livez`)).status).toBe(200);
  });

  it('lists the updates and notices queues of the prefix with their jobs', async () => {
    const url = await start(1);
    await queues[0]?.queue.add('chat-lane', { botId: 'default', chatId: 1 });
    const page = await get(`${url}/`, basic('oncall', 'correct horse battery'));
    expect(page.status).toBe(200);
    expect(page.body).toContain('Parley queues');
    const api = await get(`${url}/api/queues`, basic('oncall', 'correct horse battery'));
    expect(api.status).toBe(200);
    const body = JSON.parse(api.body) as { queues: Array<{ name: string; counts: Record<string, number> }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['notices', 'updates']);
    expect(body.queues.find((q) => q.name === 'updates')?.counts.waiting).toBe(1);
  });

  it('shows every shard of the updates queue', async () => {
    const url = await start(3);
    const api = await get(`${url}/api/queues`, basic('oncall', 'correct horse battery'));
    const body = JSON.parse(api.body) as { queues: Array<{ name: string }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual([
      'notices',
      'q0/updates',
      'q1/updates',
      'q2/updates',
    ]);
  });
});

describe('admin configuration', () => {
  it('refuses to start without a password', () => {
    expect(() => loadAdminConfig({})).toThrow(ConfigError);
    expect(() => loadAdminConfig({})).toThrow(/^invalid configuration: ADMIN_PASSWORD is required/);
    expect(() => loadAdminConfig({ ADMIN_PASSWORD: 'short' })).toThrow(
      /ADMIN_PASSWORD must be at least 12 characters/,
    );
  });

  it('listens on loopback by default', () => {
    expect(loadAdminConfig({ ADMIN_PASSWORD: 'correct horse battery' })).toMatchObject({
      host: '127.0.0.1',
      port: 9470,
      username: 'admin',
      queueShards: 1,
    });
  });
});
