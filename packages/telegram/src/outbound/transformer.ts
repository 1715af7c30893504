import type { Transformer } from 'grammy';
import type { OutboundChatId, OutboundLimiter } from './limiter';
import { OutboundPausedError } from './paused-error';

/**
 * Methods that put something in a chat and so count against Telegram's message limits.
 * Everything else (getMe, getUpdates, answerCallbackQuery, ...) passes through untouched.
 */
export const RATE_LIMITED_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'editMessageText',
  'sendMessageDraft',
  'sendPhoto',
  'sendDocument',
  'sendVoice',
  'sendAudio',
  'sendVideo',
  'sendAnimation',
  'sendSticker',
  'sendMediaGroup',
  'copyMessage',
  'forwardMessage',
]);

/**
 * Methods that do not book a slot but still wait out pauses: a chat in a flood wait gets no
 * "typing…" either (Telegram answers 429 to those too), yet a typing indicator must not delay the
 * answer it announces by taking that answer's slot.
 */
export const PAUSE_ONLY_METHODS: ReadonlySet<string> = new Set(['sendChatAction']);

export interface OutboundLimitsOptions {
  /**
   * Longest wait for a slot inside the call. A longer wait throws {@link OutboundPausedError}
   * without calling Telegram, so the job is retried later instead of holding a worker slot.
   * @defaultValue 3000
   */
  maxWaitMs?: number;
  /**
   * Called when recording a 429 in Redis fails. The 429 itself is still returned to the caller
   * (it is the more useful error); only the other pods miss the pause.
   */
  onPauseError?: (err: unknown) => void;
}

/**
 * grammY API transformer that sends through the shared {@link OutboundLimiter}: before a
 * rate-limited call it books a slot and sleeps until it (or throws {@link OutboundPausedError}
 * when the wait is too long); after a 429 it pauses the chat for every pod and returns the 429
 * unchanged, so auto-retry and `classifyTelegramError` still see it.
 */
export function outboundLimits(limiter: OutboundLimiter, opts: OutboundLimitsOptions = {}): Transformer {
  const maxWaitMs = Math.max(0, Math.floor(opts.maxWaitMs ?? 3_000));
  return async (prev, method, payload, signal) => {
    const limited = RATE_LIMITED_METHODS.has(method);
    if (!limited && !PAUSE_ONLY_METHODS.has(method)) return prev(method, payload, signal);

    const chatId = chatIdOf(payload);
    const wait = limited
      ? await limiter.reserve(chatId, undefined, maxWaitMs)
      : await limiter.pausedFor(chatId);
    if (wait > maxWaitMs) throw new OutboundPausedError(wait, method, chatId);
    if (wait > 0) await sleep(wait, signal);

    const result = await prev(method, payload, signal);
    if (!result.ok && result.error_code === 429) {
      try {
        await limiter.pause(chatId, result.parameters?.retry_after ?? 1);
      } catch (err) {
        opts.onPauseError?.(err);
      }
    }
    return result;
  };
}

/**
 * The destination chat of a call. Calls addressed by `inline_message_id` have none: they only
 * count against the bot as a whole.
 */
function chatIdOf(payload: unknown): OutboundChatId | undefined {
  if (typeof payload !== 'object' || payload === null || !('chat_id' in payload)) return undefined;
  const chatId = payload.chat_id;
  return typeof chatId === 'number' || typeof chatId === 'string' ? chatId : undefined;
}

/** What `sleep` needs of an abort signal (grammY types it with the `abort-controller` shim's class). */
interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

function sleep(ms: number, signal: AbortSignalLike | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => new Error('Request aborted while waiting for an outbound send slot');
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
