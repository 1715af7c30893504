import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

/**
 * Raw BullMQ, the baseline of the pipeline and cost benchmarks: `Queue.add` of `count` small jobs
 * (a Telegram-update-sized payload) from `adders` concurrent callers, consumed by one `Worker`
 * with a no-op processor, in this process.
 */

export interface BullmqRun {
  jobs: number;
  elapsedMs: number;
  jobsPerSecond: number;
}

export async function runBullmq(
  redisUrl: string,
  o: {
    count: number;
    concurrency: number;
    adders: number;
    queueName: string;
    beforeStart?: () => Promise<void>;
    afterDone?: () => Promise<void>;
  },
): Promise<BullmqRun> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(o.queueName, { connection });
  let completed = 0;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const worker = new Worker(o.queueName, async () => {}, {
    connection: workerConnection,
    concurrency: o.concurrency,
    autorun: false,
  });
  worker.on('completed', () => {
    if (++completed >= o.count) resolveDone();
  });
  try {
    await queue.waitUntilReady();
    await worker.waitUntilReady();
    await o.beforeStart?.();
    const startedAt = Date.now();
    void worker.run();
    let next = 0;
    const adder = async () => {
      while (next < o.count) {
        const n = next++;
        await queue.add(
          'update',
          { update_id: n, message: { chat: { id: 400_000 + (n % 500) }, text: `hello ${n}` } },
          { removeOnComplete: true, removeOnFail: true },
        );
      }
    };
    await Promise.all(Array.from({ length: o.adders }, adder));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 120_000).unref());
    await Promise.race([done, timeout]);
    const elapsedMs = Date.now() - startedAt;
    await o.afterDone?.();
    return { jobs: completed, elapsedMs, jobsPerSecond: (completed * 1000) / elapsedMs };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    connection.disconnect();
    workerConnection.disconnect();
  }
}
