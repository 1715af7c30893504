import { createStreamGuard } from '@parley/safety';
import { classifyTelegramError, formatForTelegram, OutboundPausedError } from '@parley/telegram';
import type { Api } from 'grammy';

export interface DraftStreamOptions {
  api: Api;
  chatId: number;
  /** Non-zero; drafts with the same id are animated into one another. */
  draftId: number;
  /** Shortest time between two drafts. */
  intervalMs: number;
  /** Shown before the streamed text (a voice note's transcript), as in the final answer. */
  prefix?: string;
  /** When set, no draft ever shows a recognisable part of it (see createStreamGuard). */
  canary?: string;
  /** Called once, when Telegram accepted the first draft: the user sees text from now on. */
  onFirstDraft?: () => void;
}

export interface DraftStream {
  /** The answer so far (not a delta): a fallback backend that starts over just sends new text. */
  update(textSoFar: string): void;
  /** No draft after this resolves; the final message follows through the exactly-once path. */
  stop(): Promise<void>;
}

/**
 * Shows a streamed answer growing in a private chat with `sendMessageDraft`. Drafts are cosmetic:
 * at most one is in flight, only the newest text is sent (intermediate ones are dropped), they
 * are paced by `intervalMs` and pushed back by a 429's retry_after or a paused chat, and any
 * other failure ends the drafts without touching the reply itself.
 */
export function startDraftStream(opts: DraftStreamOptions): DraftStream {
  let guard = opts.canary ? createStreamGuard(opts.canary) : undefined;
  let received = '';
  let visible = '';
  let shown = '';
  let stopped = false;
  let plain = false;
  let first = true;
  let nextAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  const schedule = () => {
    if (stopped || timer || inFlight || visible === shown) return;
    timer = setTimeout(flush, Math.max(0, nextAt - Date.now()));
    timer.unref();
  };

  const flush = () => {
    timer = undefined;
    if (stopped || visible === shown) return;
    const text = visible;
    const prefix = opts.prefix ?? '';
    // A draft shows the first message's worth; the final parts carry the rest.
    const part = formatForTelegram(prefix + text)[0];
    if (!part) return;
    const other = !plain && part.entities.length > 0 ? { entities: part.entities } : {};
    inFlight = opts.api
      .sendMessageDraft(opts.chatId, opts.draftId, part.text, other)
      .then(() => {
        shown = text;
        nextAt = Date.now() + opts.intervalMs;
        if (first) {
          first = false;
          opts.onFirstDraft?.();
        }
      })
      .catch((err: unknown) => {
        if (err instanceof OutboundPausedError) {
          nextAt = Date.now() + err.retryAfterMs;
          return;
        }
        const failure = classifyTelegramError(err);
        if (failure?.kind === 'rate_limited') nextAt = Date.now() + failure.retryAfterSeconds * 1000;
        else if (failure?.kind === 'cannot_parse_entities') plain = true;
        else stopped = true;
      })
      .finally(() => {
        inFlight = undefined;
        schedule();
      });
  };

  return {
    update(textSoFar) {
      if (stopped) return;
      if (!textSoFar.startsWith(received)) {
        // Another backend started the answer over: check its text from the start.
        guard = opts.canary ? createStreamGuard(opts.canary) : undefined;
        received = '';
      }
      const delta = textSoFar.slice(received.length);
      received = textSoFar;
      if (!guard) visible = textSoFar;
      else {
        const state = guard.push(delta);
        if (state.leaked) {
          // The answer will be replaced by a refusal: show nothing more of it.
          stopped = true;
          return;
        }
        visible = state.visible;
      }
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
