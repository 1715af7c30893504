import { type Job, UnrecoverableError } from 'bullmq';
import type { z } from 'zod';

export type JobProcessor = (job: Job, token?: string) => Promise<unknown>;

/** Validates a job payload; one this version cannot read will not become readable by retrying. */
export function parsePayload<T>(schema: z.ZodType<T>, data: unknown, jobName: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new UnrecoverableError(
      `invalid ${jobName} payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`,
    );
  }
  return parsed.data;
}
