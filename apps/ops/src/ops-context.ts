import type { Keyspace } from '@parley/contracts';
import type { DeadLetters, Inbox } from '@parley/lanes';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** What every command gets: connections and a place to write. */
export interface OpsContext {
  redis: Redis;
  keys: Keyspace;
  inbox: Inbox;
  deadLetters: DeadLetters;
  updatesQueue: Queue;
  out: (line: string) => void;
  json: boolean;
}
