import { ConfigError } from '@parley/config';
import { createKeyspace, queues, updateShardLayout } from '@parley/contracts';
import {
  createDeadLetters,
  createInbox,
  createLaneShards,
  type LaneShard,
  type LaneShards,
} from '@parley/lanes';
import { createCommandConnection, isRedisReachable, type Redis } from '@parley/redis';
import { Queue } from 'bullmq';
import { Api } from 'grammy';
import { ClusterError, connectCluster } from './cluster/connect';
import { TelegramCallError } from './commands/webhook';
import { loadOpsRedisConfig, loadOpsTelegramConfig } from './ops-config';
import type { OpsConnectors } from './ops-context';
import { runOps, UsageError } from './run-ops';

async function main(): Promise<void> {
  const env = process.env;
  const out = (line: string) => console.log(line);
  let redis: Redis | undefined;
  let shards: LaneShards | undefined;
  const connectors: OpsConnectors = {
    async redis(json) {
      const config = loadOpsRedisConfig(env);
      const first = config.redisCluster?.nodes[0];
      const probeUrl = first ? `redis://${first.host}:${first.port}` : config.redisUrl;
      if (!(await isRedisReachable(probeUrl, 2_000))) {
        throw new Error(
          `cannot reach Redis at ${probeUrl.replace(/\/\/[^@]*@/, '//')} (set REDIS_URL or REDIS_CLUSTER_NODES)`,
        );
      }
      // A Cluster client offers the same commands as a single connection.
      const client = createCommandConnection(config.redisCluster ?? config.redisUrl, {
        connectionName: 'parley-ops',
      }) as Redis;
      redis = client;
      const keys = createKeyspace(config.keyPrefix);
      const hashTags = config.redisCluster !== undefined;
      shards = createLaneShards(
        updateShardLayout(config.keyPrefix, config.queueShards, { hashTags }),
        (shard) => new Queue(queues.updates.name, { connection: client, prefix: shard.queuePrefix }),
      );
      return {
        redis,
        keys,
        botId: config.botId,
        inbox: createInbox(redis, keys),
        deadLetters: createDeadLetters(redis, keys),
        updatesQueue: (shards.all[0] as LaneShard).queue,
        shards,
        out,
        json,
      };
    },
    async telegram(json) {
      const config = loadOpsTelegramConfig(env);
      return { api: new Api(config.botToken, { apiRoot: config.apiRoot }), config, out, json };
    },
    async cluster(json, options) {
      return { cluster: await connectCluster(env, options), out, json };
    },
  };
  let code: number;
  try {
    code = await runOps(process.argv.slice(2), connectors);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      code = 2;
    } else if (err instanceof ConfigError) {
      console.error(err.message);
      code = 1;
    } else {
      const known = err instanceof ClusterError || err instanceof TelegramCallError;
      console.error(`parley-ops: ${known ? err.message : (err as Error).message.split('\n')[0]}`);
      code = 1;
    }
  }
  await Promise.all((shards?.all ?? []).map((s) => s.queue.close().catch(() => {})));
  redis?.disconnect();
  process.exit(code);
}

void main();
