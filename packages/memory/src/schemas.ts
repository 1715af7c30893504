import { z } from 'zod';

/**
 * What crosses a boundary (Redis entries, the embedding API's answer) is parsed here; an entry
 * that does not parse is skipped rather than failing the conversation, as the history store does.
 */

export const turnSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string(),
});

/** A turn of the conversation, in the history's format (`@parley/conversation`). */
export type Turn = z.infer<typeof turnSchema>;

/** A turn that left the history window and waits to be folded. Written by the spill script. */
export const pendingEntrySchema = z.object({
  seq: z.number().int().positive(),
  at: z.number().int().nonnegative(),
  turn: turnSchema,
});
export type PendingEntry = z.infer<typeof pendingEntrySchema>;

/** A long-term memory: a few consecutive turns (normally one exchange). */
export const memoryEntrySchema = z.object({
  turns: z.array(turnSchema).min(1),
  firstSeq: z.number().int().positive(),
  lastSeq: z.number().int().positive(),
});
export type MemoryEntry = z.infer<typeof memoryEntrySchema>;

/** The embedding function's answer: one finite vector per text, all of one length. */
export const embeddingsSchema = z.array(z.array(z.number().finite()).min(1));

export function parseJson<T>(schema: z.ZodType<T>, raw: unknown): T | undefined {
  if (typeof raw !== 'string' && !Buffer.isBuffer(raw)) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw.toString()));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
