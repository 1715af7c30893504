import { Cluster, Redis } from 'ioredis';
import { createCommandConnection } from './connections';
import { type LocalRedisCluster, startRedisCluster } from './local-cluster';

describe('local redis cluster', () => {
  let cluster: LocalRedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('starts three masters that share the 16384 slots and route keys between them', async () => {
    expect(cluster.target.nodes).toHaveLength(3);
    const client = createCommandConnection(cluster.target, { connectionName: 'cluster-test' });
    expect(client).toBeInstanceOf(Cluster);
    try {
      // Keys with different hash tags land on different nodes; the client follows the slots.
      const keys = Array.from({ length: 30 }, (_, i) => `t:{k${i}}:x`);
      await Promise.all(keys.map((k, i) => client.set(k, String(i))));
      expect(await Promise.all(keys.map((k) => client.get(k)))).toEqual(keys.map((_, i) => String(i)));
      const perNode = await Promise.all(
        cluster.nodeUrls.map(async (url) => {
          const node = new Redis(url);
          try {
            return await node.dbsize();
          } finally {
            node.disconnect();
          }
        }),
      );
      expect(perNode.filter((n) => n > 0).length).toBeGreaterThan(1);
      expect(perNode.reduce((a, b) => a + b, 0)).toBe(30);
    } finally {
      client.disconnect();
    }
  });
});
