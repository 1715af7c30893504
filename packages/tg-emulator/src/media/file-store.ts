import { createHash, randomBytes } from 'node:crypto';

/**
 * Files users sent to the bots, as Telegram keeps them for getFile and downloads. A file_id is
 * valid only for the bot that received it (Telegram's are bot-specific too); the file_unique_id is
 * derived from the content, so it is the same for every bot. Bounded: past `maxBytes` or
 * `maxFiles`, the oldest files are forgotten and their ids answer "temporarily unavailable".
 */

export type FileKind = 'photo' | 'document' | 'voice' | 'audio';

/** Bots may download files of up to 20 MB through the cloud Bot API. */
export const DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  botId: number;
  kind: FileKind;
  /** Relative path for `/file/bot<token>/<file_path>`, e.g. `photos/file_3.png`. */
  filePath: string;
  data: Buffer;
  mimeType?: string;
  fileName?: string;
}

/** Telegram's file ids start with a few bytes naming the file type; these mimic them. */
const ID_PREFIX: Record<FileKind, string> = { photo: 'AgAC', document: 'BQAC', voice: 'AwAC', audio: 'CQAC' };
const FOLDER: Record<FileKind, string> = {
  photo: 'photos',
  document: 'documents',
  voice: 'voice',
  audio: 'music',
};

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'audio/ogg': 'oga',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/flac': 'flac',
  'audio/webm': 'webm',
  'application/pdf': 'pdf',
};

/** A string that could be a file_id at all (base64url, not too short); others are "invalid". */
export const FILE_ID_SHAPE = /^[A-Za-z0-9_-]{20,}$/;

export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private readonly paths = new Map<string, StoredFile>();
  private readonly counters = new Map<number, number>();
  private bytes = 0;

  /**
   * @param maxBytes - Bytes kept over all bots. @defaultValue 256 MiB
   * @param maxFiles - Files kept over all bots. @defaultValue 4096
   */
  constructor(
    private readonly maxBytes = 256 * 1024 * 1024,
    private readonly maxFiles = 4096,
  ) {}

  add(
    botId: number,
    kind: FileKind,
    data: Buffer,
    meta: { mimeType?: string; fileName?: string } = {},
  ): StoredFile {
    if (data.length > this.maxBytes) throw new Error('tg-emulator: the file is larger than the file store');
    const n = (this.counters.get(botId) ?? 0) + 1;
    this.counters.set(botId, n);
    const file: StoredFile = {
      fileId: ID_PREFIX[kind] + randomBytes(30).toString('base64url'),
      fileUniqueId: `AQAD${createHash('sha256').update(data).digest('base64url').slice(0, 12)}`,
      botId,
      kind,
      filePath: `${FOLDER[kind]}/file_${n - 1}.${extensionOf(meta)}`,
      data,
    };
    if (meta.mimeType !== undefined) file.mimeType = meta.mimeType;
    if (meta.fileName !== undefined) file.fileName = meta.fileName;
    this.files.set(file.fileId, file);
    this.paths.set(`${botId}/${file.filePath}`, file);
    this.bytes += data.length;
    this.evict();
    return file;
  }

  /** The bot's file with this id, if it still exists. */
  byId(botId: number, fileId: string): StoredFile | undefined {
    const file = this.files.get(fileId);
    return file?.botId === botId ? file : undefined;
  }

  /** The bot's file at this path, if it still exists. */
  byPath(botId: number, filePath: string): StoredFile | undefined {
    return this.paths.get(`${botId}/${filePath}`);
  }

  clear(): void {
    this.files.clear();
    this.paths.clear();
    this.bytes = 0;
  }

  private evict(): void {
    for (const file of this.files.values()) {
      if (this.bytes <= this.maxBytes && this.files.size <= this.maxFiles) return;
      this.files.delete(file.fileId);
      this.paths.delete(`${file.botId}/${file.filePath}`);
      this.bytes -= file.data.length;
    }
  }
}

/** The usual file extension of a MIME type, e.g. `png` for `image/png`. */
export function extensionFor(mimeType: string | undefined): string | undefined {
  return mimeType === undefined ? undefined : EXTENSIONS[mimeType.toLowerCase()];
}

function extensionOf(meta: { mimeType?: string; fileName?: string }): string {
  const fromName = /\.([A-Za-z0-9]{1,8})$/.exec(meta.fileName ?? '')?.[1];
  return extensionFor(meta.mimeType) ?? fromName?.toLowerCase() ?? 'bin';
}
