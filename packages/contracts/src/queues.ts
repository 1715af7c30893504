import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { telegramUpdateSchema } from './telegram-update';

/**
 * The catalog of queue contracts shared by gateway (producer) and worker (consumer).
 * Rules for changing it while pods of two versions run side by side with jobs in flight:
 * new payload fields are optional, and a field is never re-purposed.
 */

export const botIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/);

export const updateJobSchema = z.object({
  /** Which bot the update was sent to; one deployment can serve several. */
  botId: botIdSchema,
  update: telegramUpdateSchema,
  /** When the gateway accepted the update (ms since epoch): the start of update→reply latency. */
  receivedAt: z.number().int().nonnegative(),
});
export type UpdateJob = z.infer<typeof updateJobSchema>;

export interface QueueContract<TPayload> {
  /** Queue name inside the key prefix. */
  name: string;
  /** BullMQ job name. */
  jobName: string;
  schema: z.ZodType<TPayload>;
  /**
   * Deterministic job id: a re-delivered payload maps to the same job, which BullMQ will not add
   * twice while it exists. Ids contain no ':' and are never all digits (BullMQ's rules).
   */
  jobId(payload: TPayload): string;
  defaultJobOptions: JobsOptions;
}

export const queues = {
  updates: {
    name: 'updates',
    jobName: 'telegram-update',
    schema: updateJobSchema,
    jobId: (p: UpdateJob) => `${p.botId}-u${p.update.update_id}`,
    defaultJobOptions: {
      attempts: 6,
      backoff: { type: 'exponential', delay: 1_000 },
      // Bounded retention: completed jobs are only kept long enough to absorb quick re-deliveries;
      // the worker's reply ledger covers the rest of Telegram's 24 h horizon.
      removeOnComplete: { age: 3_600, count: 50_000 },
      removeOnFail: { age: 7 * 24 * 3_600, count: 50_000 },
    },
  } satisfies QueueContract<UpdateJob>,
} as const;

export type QueueKey = keyof typeof queues;
