import { type Api, GrammyError } from 'grammy';
import { z } from 'zod';
import { MediaError } from './errors';

/** The Bot API's own download limit for bots: getFile refuses larger files. */
export const TELEGRAM_DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

export interface DownloadOptions {
  /** Largest file accepted, in bytes. @defaultValue 20 MiB (the Bot API's own limit) */
  maxBytes?: number;
  /**
   * The size the update announced (`photo[].file_size`, `voice.file_size`…): a file announced
   * over `maxBytes` is refused before any call to Telegram.
   */
  knownSize?: number;
  /**
   * Where files are downloaded from: `<apiRoot>/file/bot<token>/<file_path>`.
   * @defaultValue the Api's own `apiRoot`, else https://api.telegram.org
   */
  apiRoot?: string;
  /** @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
  /** Cancels getFile and the download. */
  signal?: AbortSignal;
  /** Longest a download may take, in ms. @defaultValue 30_000 */
  timeoutMs?: number;
}

export interface DownloadedFile {
  bytes: Buffer;
  /** The `file_path` getFile gave. */
  filePath: string;
  fileUniqueId: string;
}

const fileSchema = z.object({
  file_id: z.string(),
  file_unique_id: z.string(),
  file_size: z.number().int().nonnegative().optional(),
  file_path: z.string().min(1).optional(),
});

/**
 * Downloads a file a user sent: `getFile` through grammY's Api, then the file URL. The size cap
 * is checked before the call (`knownSize`), on getFile's `file_size`, on `content-length`, and
 * again while the bytes arrive, so a file never takes more memory than the cap. Failures are
 * {@link MediaError}s (`too_big`, `not_found`, `download_failed`); other Bot API errors (429,
 * 5xx) are rethrown as grammY raised them, for the caller's usual Telegram error handling.
 */
export async function downloadTelegramFile(
  api: Api,
  fileId: string,
  opts: DownloadOptions = {},
): Promise<DownloadedFile> {
  const maxBytes = opts.maxBytes ?? TELEGRAM_DOWNLOAD_LIMIT_BYTES;
  if (opts.knownSize !== undefined && opts.knownSize > maxBytes) throw tooBig(opts.knownSize, maxBytes);

  let raw: unknown;
  try {
    // grammY types its signal with the abort-controller polyfill; the platform's is the same at run time.
    raw = await api.getFile(fileId, opts.signal as Parameters<Api['getFile']>[1]);
  } catch (err) {
    throw fromGetFileError(err, maxBytes);
  }
  const file = fileSchema.parse(raw);
  if (file.file_size !== undefined && file.file_size > maxBytes) throw tooBig(file.file_size, maxBytes);
  if (file.file_path === undefined) throw new MediaError('not_found', 'getFile returned no file_path');
  // A local Bot API server started with --local answers with a path on its own disk instead.
  if (file.file_path.startsWith('/')) {
    throw new MediaError(
      'download_failed',
      'getFile returned an absolute path (a local Bot API server in --local mode)',
    );
  }

  const root = (opts.apiRoot ?? api.options?.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
  const env = api.options?.environment === 'test' ? '/test' : '';
  const url = `${root}/file/bot${api.token}${env}/${encodeURI(file.file_path)}`;
  const bytes = await fetchCapped(url, maxBytes, opts);
  return { bytes, filePath: file.file_path, fileUniqueId: file.file_unique_id };
}

function tooBig(size: number, maxBytes: number): MediaError {
  return new MediaError('too_big', `the file has ${size} bytes, more than the ${maxBytes} allowed`);
}

/** Telegram's answers to getFile that are about the file, as MediaErrors; anything else as it was. */
function fromGetFileError(err: unknown, maxBytes: number): unknown {
  if (!(err instanceof GrammyError) || err.error_code !== 400) return err;
  if (/file is too big/i.test(err.description)) {
    return new MediaError('too_big', `Telegram refuses to hand out files this big (cap ${maxBytes} bytes)`, {
      cause: err,
    });
  }
  if (/file_id|temporarily unavailable/i.test(err.description)) {
    return new MediaError('not_found', `Telegram does not know this file: ${err.description}`, {
      cause: err,
    });
  }
  return err;
}

async function fetchCapped(url: string, maxBytes: number, opts: DownloadOptions): Promise<Buffer> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, { signal });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    // The URL holds the bot token: the message names the failure, never the URL.
    throw new MediaError('download_failed', `the download failed: ${describe(err, timeout)}`, {
      retryable: true,
    });
  }
  if (res.status === 404) {
    await res.body?.cancel();
    throw new MediaError('not_found', 'the file link has expired or does not exist (404)');
  }
  if (!res.ok) {
    await res.body?.cancel();
    const retryable = res.status === 429 || res.status >= 500;
    throw new MediaError('download_failed', `the download answered ${res.status}`, { retryable });
  }
  const announced = Number(res.headers.get('content-length') ?? Number.NaN);
  if (announced > maxBytes) {
    await res.body?.cancel();
    throw tooBig(announced, maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  try {
    for (;;) {
      const { done, value } = reader ? await reader.read() : { done: true, value: undefined };
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader?.cancel();
        throw new MediaError('too_big', `the file is over the ${maxBytes} bytes allowed (it kept coming)`);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof MediaError || opts.signal?.aborted) throw err;
    throw new MediaError('download_failed', `the download broke off: ${describe(err, timeout)}`, {
      retryable: true,
    });
  }
  return Buffer.concat(chunks);
}

function describe(err: unknown, timeout: AbortSignal): string {
  if (timeout.aborted) return 'timed out';
  return err instanceof Error ? err.name : 'unknown error';
}
