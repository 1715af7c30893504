/**
 * Why a photo or voice note cannot be used. One error class with a code, so the caller can pick
 * the answer the user gets ("that file is too big", "I can't read that kind of file") and the
 * queue can tell retries from dead ends by `retryable`.
 *
 * Messages never contain the file URL: it carries the bot token.
 */
export type MediaErrorCode =
  /** Over a size cap: ours, or the Bot API's 20 MB download limit. */
  | 'too_big'
  /** Over a duration cap (audio). */
  | 'too_long'
  /** The Bot API does not know the file (wrong or expired file_id, or the download link is gone). */
  | 'not_found'
  /** Not an image format the model takes, or not an audio format transcription takes. */
  | 'unsupported_type'
  /** The download failed on the way (network, 5xx); `retryable` says whether trying again may help. */
  | 'download_failed';

export class MediaError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: MediaErrorCode,
    message: string,
    opts: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'MediaError';
    this.retryable = opts.retryable ?? false;
  }
}

export function isMediaError(err: unknown, code?: MediaErrorCode): err is MediaError {
  return err instanceof MediaError && (code === undefined || err.code === code);
}
