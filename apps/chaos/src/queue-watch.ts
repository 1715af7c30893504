import { queues } from '@parley/contracts';
import { createCommandConnection, type Redis } from '@parley/redis';
import { Queue } from 'bullmq';

/**
 * Reads the BullMQ queues of the run's key prefix (every queue of the contracts' catalog): how
 * many jobs are still to run. After the last reply the run waits for this to reach 0, so that a
 * job recovered late (a killed worker's job, handed back by the stalled-job check) gets its
 * chance to send a duplicate before the verdict.
 */
export class QueueWatch {
  private readonly connection: Redis;
  private readonly queues: Queue[];

  constructor(redisUrl: string, prefix: string) {
    this.connection = createCommandConnection(redisUrl, { connectionName: 'parley-chaos-watch' });
    this.connection.on('error', () => {});
    this.queues = Object.values(queues).map((q) => {
      const queue = new Queue(q.name, { connection: this.connection, prefix });
      queue.on('error', () => {});
      return queue;
    });
  }

  /**
   * Jobs active, waiting or delayed (not counting the next run of a repeatable job); undefined
   * when Redis cannot be read.
   */
  async unfinishedJobs(): Promise<number | undefined> {
    try {
      let total = 0;
      for (const queue of this.queues) {
        const counts = await queue.getJobCounts(
          'active',
          'waiting',
          'prioritized',
          'waiting-children',
          'delayed',
        );
        const { delayed = 0, ...rest } = counts;
        for (const value of Object.values(rest)) total += value;
        if (delayed > 0) {
          const jobs = await queue.getDelayed(0, 999);
          const repeats = jobs.filter((job) => job.repeatJobKey !== undefined).length;
          total += Math.max(0, delayed - repeats);
        }
      }
      return total;
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.queues.map((q) => q.close()));
    this.connection.disconnect();
  }
}
