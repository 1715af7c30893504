import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { telegramUpdateSchema } from './telegram-update';

/**
 * The catalog of queue contracts shared by gateway (producer) and worker (consumer).
 * Rules for changing it while pods of two versions run side by side with jobs in flight:
 * new payload fields are optional, and a field is never re-purposed.
 */

export const botIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/);

/** One Telegram update as the gateway accepted it. Stored in a chat's inbox, or as a job of its own. */
export const updateJobSchema = z.object({
  /** Which bot the update was sent to; one deployment can serve several. */
  botId: botIdSchema,
  update: telegramUpdateSchema,
  /** When the gateway accepted the update (ms since epoch): the start of update→reply latency. */
  receivedAt: z.number().int().nonnegative(),
});
export type UpdateJob = z.infer<typeof updateJobSchema>;

/** "Drain this chat's inbox, in order": at most one runs per chat at any time. */
export const chatLaneJobSchema = z.object({ botId: botIdSchema, chatId: z.number().int() });
export type ChatLaneJob = z.infer<typeof chatLaneJobSchema>;

export const sweepLanesJobSchema = z.object({});
export type SweepLanesJob = z.infer<typeof sweepLanesJobSchema>;

export const busyNoticeJobSchema = z.object({
  botId: botIdSchema,
  chatId: z.number().int(),
  updateId: z.number().int(),
});
export type BusyNoticeJob = z.infer<typeof busyNoticeJobSchema>;

export interface JobContract<TPayload> {
  schema: z.ZodType<TPayload>;
  options: JobsOptions;
}

const bounded = {
  removeOnComplete: { age: 3_600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3_600, count: 50_000 },
} satisfies JobsOptions;

/** The worker's backoff for lanes: exponential from 1 s, capped, with jitter (see worker settings). */
export const LANE_BACKOFF_TYPE = 'lane';

export const queues = {
  updates: {
    name: 'updates',
    jobs: {
      /**
       * Drains one chat's inbox. Deduplicated per chat with keepLastIfActive: while a lane runs,
       * a new message schedules exactly one follow-up run, so no message is left behind and two
       * workers never answer one chat at once.
       */
      'chat-lane': {
        schema: chatLaneJobSchema,
        options: {
          // Attempts are counted per update in the reply ledger; the lane itself keeps going.
          attempts: 1_000,
          backoff: { type: LANE_BACKOFF_TYPE },
          ...bounded,
          removeOnComplete: { age: 600, count: 20_000 },
        },
      } satisfies JobContract<ChatLaneJob>,
      /** An update that belongs to no chat (inline queries, polls…): processed on its own. */
      'telegram-update': {
        schema: updateJobSchema,
        options: { attempts: 6, backoff: { type: 'exponential', delay: 1_000 }, ...bounded },
      } satisfies JobContract<UpdateJob>,
      /** Periodic safety net: re-arms lanes of chats whose inbox has waited too long. */
      'sweep-lanes': {
        schema: sweepLanesJobSchema,
        options: { attempts: 1, removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } },
      } satisfies JobContract<SweepLanesJob>,
    },
  },
  /** Small, separate queue so that "busy" notices do not wait behind the backlog they announce. */
  notices: {
    name: 'notices',
    jobs: {
      'busy-notice': {
        schema: busyNoticeJobSchema,
        options: { attempts: 3, backoff: { type: 'exponential', delay: 500 }, ...bounded },
      } satisfies JobContract<BusyNoticeJob>,
    },
  },
} as const;

export type UpdatesJobName = keyof typeof queues.updates.jobs;
export type NoticesJobName = keyof typeof queues.notices.jobs;

/** Job id of a chatless update: a re-delivery maps to the same job. No ':' and never all digits. */
export const updateJobId = (p: UpdateJob) => `${p.botId}-u${p.update.update_id}`;

/** Deduplication id of a chat's lane. */
export const laneDeduplicationId = (botId: string, chatId: number) => `lane-${botId}-${chatId}`;
