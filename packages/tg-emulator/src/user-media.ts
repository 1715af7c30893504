import type { Audio, Document, Message, PhotoSize, Update, Voice } from './bot-api/telegram-types';
import type { EmulatorCore } from './core';
import { detectEntities } from './markup/auto-entities';
import { extensionFor, type FileKind } from './media/file-store';
import { audioDurationSeconds, imageInfo, sniffMimeType } from './media/sniff';
import { synthesizeToneSpeech } from './media/tone-speech';
import { postUserMessage, type UserMessageTarget } from './user-messages';

/** What a user sends to a bot besides text: a photo, a file, a voice note or a music file. */
export interface UserMediaInput extends UserMessageTarget {
  /** photo → `photo`, document → `document` (e.g. an image sent as a file), voice → `voice`, audio → `audio`. */
  kind: FileKind;
  /** The file's bytes. Give this or `speak`. */
  data?: Uint8Array;
  /**
   * voice and audio only: the user says this text, as tone speech that the LLM simulator
   * transcribes back (see media/tone-speech.ts). Instead of `data`.
   */
  speak?: string;
  /** Shown under the media; Telegram allows 1024 characters. */
  caption?: string;
  /** documents and audio: the original file name. @defaultValue `file.<ext>` from the content */
  fileName?: string;
  /** @defaultValue sniffed from the bytes (PNG, JPEG, GIF, WebP, Ogg, WAV, MP3, M4A, FLAC, WebM, PDF) */
  mimeType?: string;
  /** voice and audio: seconds, as the sender's app reports it. @defaultValue read from a WAV or Ogg header, else 0 */
  duration?: number;
  /** audio only */
  title?: string;
  /** audio only */
  performer?: string;
}

/** Largest file a user can send through the emulator (the file store keeps 256 MiB in all). */
export const MAX_USER_FILE_BYTES = 64 * 1024 * 1024;
/** Telegram clients compress photos; bigger images go as documents. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const MAX_CAPTION = 1024;

/**
 * A user sends a photo, file, voice note or music file: the file is stored so that the bot can
 * getFile and download it, and a `message` update with Telegram's media fields is delivered.
 */
export function sendUserMedia(core: EmulatorCore, input: UserMediaInput): Update {
  const kinds: readonly string[] = ['photo', 'document', 'voice', 'audio'];
  if (!kinds.includes(input.kind))
    throw new Error('tg-emulator: kind must be photo, document, voice or audio');
  const data = fileBytes(input);
  const caption = input.caption?.trim() ?? '';
  if (caption.length > MAX_CAPTION)
    throw new Error(`tg-emulator: a caption is at most ${MAX_CAPTION} characters`);
  const mimeType = input.mimeType ?? sniffMimeType(data);
  const content = describe(input, data, mimeType);

  return postUserMessage(core, input, (message, bot) => {
    const file = core.files.add(bot.id, input.kind, data, {
      ...(content.mimeType !== undefined ? { mimeType: content.mimeType } : {}),
      ...(content.fileName !== undefined ? { fileName: content.fileName } : {}),
    });
    const ids = { file_id: file.fileId, file_unique_id: file.fileUniqueId };
    attach(message, input, content, ids, data.length);
    if (caption !== '') {
      message.caption = caption;
      const entities = detectEntities(caption, []);
      if (entities.length > 0) message.caption_entities = entities;
    }
  });
}

function fileBytes(input: UserMediaInput): Buffer {
  if (input.speak !== undefined) {
    if (input.data !== undefined) throw new Error('tg-emulator: give data or speak, not both');
    if (input.kind !== 'voice' && input.kind !== 'audio')
      throw new Error('tg-emulator: only voice notes and audio can speak');
    return synthesizeToneSpeech(input.speak.trim());
  }
  if (!(input.data instanceof Uint8Array)) throw new Error('tg-emulator: data (the file bytes) is required');
  if (input.data.length === 0) throw new Error('tg-emulator: the file is empty');
  if (input.data.length > MAX_USER_FILE_BYTES)
    throw new Error(`tg-emulator: files sent through the emulator are at most ${MAX_USER_FILE_BYTES} bytes`);
  return Buffer.from(input.data);
}

interface Described {
  mimeType?: string;
  fileName?: string;
  width?: number;
  height?: number;
  duration?: number;
}

/** Checks the file against its kind and works out what Telegram would report about it. */
function describe(input: UserMediaInput, data: Buffer, mimeType: string | undefined): Described {
  if (input.kind === 'photo') {
    const image = imageInfo(data);
    if (!image) throw new Error('tg-emulator: a photo must be a PNG, JPEG, GIF or WebP image');
    if (data.length > MAX_PHOTO_BYTES)
      throw new Error('tg-emulator: photos are at most 10 MB; send bigger images as a document');
    return { mimeType: image.mimeType, width: image.width, height: image.height };
  }
  const out: Described = {};
  if (mimeType !== undefined) out.mimeType = mimeType;
  else if (input.kind === 'document') out.mimeType = 'application/octet-stream';
  if (input.kind === 'document' || input.kind === 'audio') {
    out.fileName = input.fileName ?? `file.${extensionFor(mimeType) ?? 'bin'}`;
  }
  if (input.kind === 'voice' || input.kind === 'audio') {
    const given = input.duration;
    if (given !== undefined && !(Number.isFinite(given) && given >= 0))
      throw new Error('tg-emulator: duration must be a number of seconds >= 0');
    const seconds = given ?? audioDurationSeconds(data) ?? 0;
    // Telegram reports whole seconds; a short note still lasts a second.
    out.duration = seconds > 0 ? Math.max(1, Math.round(seconds)) : 0;
  }
  return out;
}

function attach(
  message: Message,
  input: UserMediaInput,
  content: Described,
  ids: { file_id: string; file_unique_id: string },
  size: number,
): void {
  const typed = content.mimeType === undefined ? {} : { mime_type: content.mimeType };
  switch (input.kind) {
    case 'photo': {
      const photo: PhotoSize = {
        ...ids,
        width: content.width ?? 0,
        height: content.height ?? 0,
        file_size: size,
      };
      // Telegram also sends smaller thumbnails first; the emulator sends the original size only.
      message.photo = [photo];
      return;
    }
    case 'document': {
      const document: Document = { ...ids, file_name: content.fileName ?? 'file', ...typed, file_size: size };
      message.document = document;
      return;
    }
    case 'voice': {
      const voice: Voice = { ...ids, duration: content.duration ?? 0, ...typed, file_size: size };
      message.voice = voice;
      return;
    }
    case 'audio': {
      const audio: Audio = { ...ids, duration: content.duration ?? 0 };
      if (input.performer !== undefined) audio.performer = input.performer;
      if (input.title !== undefined) audio.title = input.title;
      if (content.fileName !== undefined) audio.file_name = content.fileName;
      Object.assign(audio, typed, { file_size: size });
      message.audio = audio;
      return;
    }
  }
}
