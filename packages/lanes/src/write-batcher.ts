import type { ChainableCommander, Cluster } from 'ioredis';
import type { RedisClient } from './redis-script';
import { slotOf } from './slot';

/**
 * Gathers single-command writes issued by concurrent callers (the gateway's webhook requests)
 * for one event-loop turn, or until `maxBatch` are waiting, and sends them as one pipeline:
 * one socket write and one round trip for the lot instead of one each. Every caller still waits
 * for its own reply, and an error (even a failed pipeline) fails only the callers it concerns.
 *
 * Unlike ioredis' auto-pipelining, batches do not wait for each other: a new batch leaves while
 * the previous one is still in flight, so a closed loop of requests is never held back by a
 * round trip it is not part of.
 *
 * On a Redis Cluster a batch is split by the node that serves each command's slot (commands of
 * several slots may share a pipeline, never one command).
 */
export interface WriteBatcher {
  /**
   * Queues one command: `add` appends exactly one command to the pipeline; `key` is a key it
   * touches (for cluster routing). Resolves with that command's reply.
   */
  run(key: string, add: (pipeline: ChainableCommander) => void): Promise<unknown>;
}

export interface WriteBatcherOptions {
  /** Most commands in one pipeline; a full batch leaves at once. @defaultValue 256 */
  maxBatch?: number;
}

interface Entry {
  key: string;
  add: (pipeline: ChainableCommander) => void;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export function createWriteBatcher(redis: RedisClient, opts: WriteBatcherOptions = {}): WriteBatcher {
  const maxBatch = opts.maxBatch ?? 256;
  let pending: Entry[] = [];
  let scheduled = false;

  // One pipeline per node the batch's keys live on (a single Redis: one pipeline).
  const groups = (batch: Entry[]): Entry[][] => {
    const cluster = redis.isCluster ? (redis as Cluster) : undefined;
    // A cluster without its slot map yet: one pipeline, which ioredis holds until it is ready
    // (and rejects, failing these callers, if the commands turn out to span nodes).
    if (!cluster || cluster.slots.length === 0) return [batch];
    const byNode = new Map<string, Entry[]>();
    for (const entry of batch) {
      const node = cluster.slots[slotOf(entry.key)]?.[0] ?? '';
      const group = byNode.get(node);
      if (group) group.push(entry);
      else byNode.set(node, [entry]);
    }
    return [...byNode.values()];
  };

  const send = (group: Entry[]): Promise<void> => {
    const pipeline = redis.pipeline();
    for (const entry of group) entry.add(pipeline);
    return pipeline.exec().then(
      (replies) => {
        for (let i = 0; i < group.length; i++) {
          const entry = group[i] as Entry;
          const [err, value] = replies?.[i] ?? [new Error('no reply in the pipeline'), null];
          if (err) entry.reject(err);
          else entry.resolve(value);
        }
      },
      (err: Error) => {
        for (const entry of group) entry.reject(err);
      },
    );
  };

  const flush = () => {
    scheduled = false;
    while (pending.length > 0) {
      const batch = pending.length > maxBatch ? pending.splice(0, maxBatch) : pending;
      if (batch === pending) pending = [];
      for (const group of groups(batch)) void send(group);
    }
  };

  return {
    run(key, add) {
      return new Promise((resolve, reject) => {
        pending.push({ key, add, resolve, reject });
        if (pending.length >= maxBatch) flush();
        else if (!scheduled) {
          scheduled = true;
          // setImmediate runs after the I/O callbacks of this turn: every request whose body
          // arrived in the same poll phase joins the batch.
          setImmediate(flush);
        }
      });
    },
  };
}
