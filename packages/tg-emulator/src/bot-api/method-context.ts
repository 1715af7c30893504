import type { EmulatorCore } from '../core';
import type { BotState } from '../state';

/** What a Bot API method handler gets besides its parameters. */
export interface MethodContext {
  core: EmulatorCore;
  bot: BotState;
  /** Aborted when the caller went away or the emulator closes (long polls stop on it). */
  signal: AbortSignal;
}

/** Returns the method's `result`, or a {@link Described} result; throws ApiError to fail. */
export type MethodHandler = (ctx: MethodContext, params: Record<string, unknown>) => unknown;

/** A result Telegram sends with a `description` too, e.g. setWebhook's "Webhook was set". */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}
