import { isMediaError } from '@parley/media';
import { mediaTexts } from './media-texts';
import type { Decision } from './reply-once';
import type { ParleyContext } from './update-scope';

/**
 * What the user hears when a photo or voice note cannot be fetched or read. A refusal retrying
 * cannot fix (too big, too long, unknown file, wrong format) is answered at once; anything else
 * (network, 5xx, Bot API 429) is thrown so the lane retries it with its backoff, and answered
 * only on the last attempt.
 */
export function mediaFailure(
  ctx: ParleyContext,
  err: unknown,
  limits: { maxBytes: number; kind: 'image' | 'audio' },
): Decision {
  const { deps } = ctx.scope;
  if (isMediaError(err) && !err.retryable) {
    deps.logger.info({ updateId: ctx.update.update_id, code: err.code }, 'media refused');
    const answer =
      err.code === 'too_big'
        ? mediaTexts.tooBig(limits.maxBytes)
        : err.code === 'too_long'
          ? mediaTexts.tooLong(deps.config.media.maxAudioSeconds)
          : err.code === 'unsupported_type'
            ? limits.kind === 'image'
              ? mediaTexts.unsupportedImage
              : mediaTexts.unsupportedAudio
            : err.code === 'not_found'
              ? mediaTexts.notFound
              : mediaTexts.unavailable;
    return { answer, kind: 'refused' };
  }
  if (!ctx.scope.lastAttempt) throw err;
  deps.logger.warn(
    { err, updateId: ctx.update.update_id },
    'media failed on the last attempt; answering with an apology',
  );
  return { answer: mediaTexts.unavailable, kind: 'fallback' };
}
