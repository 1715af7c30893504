import type { Update } from './bot-api/telegram-types';
import { CallLog } from './call-log';
import { EventLog } from './event-log';
import { EventHub } from './events';
import { FaultQueue } from './faults';
import { FloodControl } from './flood-control';
import { FileStore } from './media/file-store';
import type { ResolvedOptions } from './options';
import { type BotState, EmulatorState } from './state';
import { updateType } from './update-queue';
import { WebhookDelivery } from './webhook-delivery';

/** Update kinds Telegram leaves out unless allowed_updates asks for them explicitly. */
const OPT_IN_UPDATES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

/** Whether a bot's allowed_updates setting lets an update of this kind through. */
export function isUpdateAllowed(allowed: readonly string[], type: string | undefined): boolean {
  if (type === undefined) return false;
  return allowed.length === 0 ? !OPT_IN_UPDATES.has(type) : allowed.includes(type);
}

/** Everything the Bot API handlers, the control API and the helpers share. */
export class EmulatorCore {
  readonly events = new EventHub();
  readonly calls = new CallLog();
  readonly faults = new FaultQueue();
  readonly eventLog = new EventLog();
  /** Files users sent, for getFile and downloads. */
  readonly files = new FileStore();
  readonly flood: FloodControl;
  readonly state: EmulatorState;
  readonly delivery: WebhookDelivery;

  constructor(
    readonly options: ResolvedOptions,
    onWebhookReply: (bot: BotState, payload: Record<string, unknown>) => void,
  ) {
    this.flood = new FloodControl(options.floodLimits);
    this.events.on((event) => this.eventLog.add(event));
    this.state = new EmulatorState({ tokens: options.tokens, botNames: options.botNames }, this.events);
    this.delivery = new WebhookDelivery({
      retryDelayMs: options.webhookRetryDelayMs,
      timeoutMs: options.webhookTimeoutMs,
      logger: options.logger,
      onReply: onWebhookReply,
    });
  }

  /**
   * Hands a new update to the bot like Telegram: dropped when the bot's allowed_updates exclude
   * its kind, otherwise queued and pushed to the webhook if one is set (else kept for getUpdates).
   * Returns whether it was queued.
   */
  deliverUpdate(bot: BotState, update: Update): boolean {
    if (!isUpdateAllowed(bot.allowedUpdates, updateType(update))) return false;
    bot.updates.push(update);
    this.delivery.kick(bot);
    return true;
  }

  /** Re-sends an update the bot already got, as Telegram does when it is unsure it arrived. */
  redeliver(bot: BotState, updateId: number): Update {
    const update = bot.updates.get(updateId);
    if (!update) throw new Error(`tg-emulator: update ${updateId} is unknown (or too old) for bot ${bot.id}`);
    bot.updates.enqueue(update);
    this.delivery.kick(bot);
    return update;
  }

  reset(): void {
    this.calls.clear();
    this.faults.clear();
    this.flood.reset();
    this.eventLog.clear();
    this.files.clear();
    this.state.reset();
  }
}
