import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredFile } from '../media/file-store';
import { DOWNLOAD_LIMIT_BYTES } from '../media/file-store';
import { sendError } from './respond';

/**
 * Writes a stored file: the body of Telegram's `/file/bot<token>/<file_path>` downloads and of the
 * chat page's `/_emulator/files/<file_id>`. Anything else than GET or HEAD gets 405.
 */
export function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: StoredFile | undefined,
  opts: { inlineOnly?: boolean } = {},
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, 405, 'Method Not Allowed');
    return;
  }
  // Files over the download limit never get a file_path from getFile, so they cannot be fetched.
  if (!file || file.data.length > DOWNLOAD_LIMIT_BYTES) {
    sendError(res, 404, 'Not Found');
    return;
  }
  const type = file.mimeType ?? 'application/octet-stream';
  const headers: Record<string, string | number> = {
    'content-type': type,
    'content-length': file.data.length,
    'cache-control': 'private, max-age=3600',
    // A user's upload must never be run as a page of the emulator's origin.
    'x-content-type-options': 'nosniff',
  };
  if (opts.inlineOnly && !/^(image\/(png|jpeg|gif|webp)|audio\/)/.test(type)) {
    headers['content-disposition'] = 'attachment';
  }
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : file.data);
}
