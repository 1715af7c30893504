import type { Keyspace } from '@parley/contracts';
import type { DeadLetters, Inbox, LaneShards } from '@parley/lanes';
import type { Queue } from 'bullmq';
import type { Api } from 'grammy';
import type { Redis } from 'ioredis';
import type { ClusterConnection, ClusterOptions } from './cluster/connect';
import type { OpsTelegramConfig } from './ops-config';

/** Where a command writes, and whether it writes JSON. */
export interface Output {
  out: (line: string) => void;
  json: boolean;
}

/** What the Redis commands get: connections to the queue and keys of one prefix. */
export interface OpsContext extends Output {
  redis: Redis;
  keys: Keyspace;
  /** BOT_ID: the bot meant when a command does not say `--bot`. */
  botId: string;
  inbox: Inbox;
  deadLetters: DeadLetters;
  /** The updates queue (its first shard when it is sharded). */
  updatesQueue: Queue;
  /** Every shard of the updates queue (UPDATE_QUEUE_SHARDS); absent means `updatesQueue` alone. */
  shards?: LaneShards;
}

/** What the webhook commands get: grammY's client pointed at the configured Bot API server. */
export interface TelegramContext extends Output {
  api: Api;
  config: OpsTelegramConfig;
}

export interface ClusterContext extends Output {
  cluster: ClusterConnection;
}

/**
 * How a command gets what it needs; each is called only by the commands that need it, so a
 * command never fails for want of a setting it does not use.
 */
export interface OpsConnectors {
  redis(json: boolean): Promise<OpsContext>;
  telegram(json: boolean): Promise<TelegramContext>;
  cluster(json: boolean, options: ClusterOptions): Promise<ClusterContext>;
}
