import { DOWNLOAD_LIMIT_BYTES, FILE_ID_SHAPE } from '../media/file-store';
import { badRequest } from './api-error';
import type { MethodHandler } from './method-context';
import type { File } from './telegram-types';

/** getFile: a file the bot received, ready to download from `/file/bot<token>/<file_path>`. */
export const fileMethods: Record<string, MethodHandler> = {
  getFile: (ctx, params) => {
    const fileId = params.file_id;
    if (typeof fileId !== 'string' || !FILE_ID_SHAPE.test(fileId)) throw badRequest('invalid file_id');
    // Another bot's id, or a file the emulator has let go, looks the same to Telegram's callers.
    const stored = ctx.core.files.byId(ctx.bot.id, fileId);
    if (!stored) throw badRequest('wrong file_id or the file is temporarily unavailable');
    if (stored.data.length > DOWNLOAD_LIMIT_BYTES) throw badRequest('file is too big');
    const file: File = {
      file_id: stored.fileId,
      file_unique_id: stored.fileUniqueId,
      file_size: stored.data.length,
      file_path: stored.filePath,
    };
    return file;
  },
};
