/**
 * What a downloaded file really is, from its magic bytes: the MIME type a sender declares (or
 * Telegram's `mime_type`) is a claim; the model and the transcription API need the truth.
 */

export interface MediaType {
  mimeType: string;
  /** The file extension the OpenAI-compatible APIs expect for this format. */
  extension: string;
  kind: 'image' | 'audio';
}

const ascii = (b: Uint8Array, at: number, length: number) =>
  String.fromCharCode(...b.subarray(at, at + length));

/** The type of an image (PNG, JPEG, GIF, WebP) or audio file (Ogg, WAV, MP3, M4A, FLAC, WebM), if it is one. */
export function sniffMediaType(bytes: Uint8Array): MediaType | undefined {
  if (bytes.length >= 8 && ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n')
    return { mimeType: 'image/png', extension: 'png', kind: 'image' };
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return { mimeType: 'image/jpeg', extension: 'jpg', kind: 'image' };
  if (/^GIF8[79]a$/.test(ascii(bytes, 0, 6)))
    return { mimeType: 'image/gif', extension: 'gif', kind: 'image' };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP')
    return { mimeType: 'image/webp', extension: 'webp', kind: 'image' };
  if (ascii(bytes, 0, 4) === 'OggS') return { mimeType: 'audio/ogg', extension: 'ogg', kind: 'audio' };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WAVE')
    return { mimeType: 'audio/wav', extension: 'wav', kind: 'audio' };
  if (ascii(bytes, 0, 4) === 'fLaC') return { mimeType: 'audio/flac', extension: 'flac', kind: 'audio' };
  if (ascii(bytes, 0, 3) === 'ID3' || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0))
    return { mimeType: 'audio/mpeg', extension: 'mp3', kind: 'audio' };
  if (ascii(bytes, 4, 4) === 'ftyp') return { mimeType: 'audio/mp4', extension: 'm4a', kind: 'audio' };
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)
    return { mimeType: 'audio/webm', extension: 'webm', kind: 'audio' };
  return undefined;
}

/**
 * Seconds of audio, when the header tells: WAV (data size over byte rate) and Ogg Opus/Vorbis
 * (last granule position). Telegram's own voice notes are Ogg Opus.
 */
export function audioDurationSeconds(bytes: Uint8Array): number | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WAVE') {
    let byteRate = 0;
    for (let at = 12; at + 8 <= b.length; ) {
      const id = ascii(b, at, 4);
      const size = b.readUInt32LE(at + 4);
      if (id === 'fmt ' && at + 20 <= b.length) byteRate = b.readUInt32LE(at + 16);
      if (id === 'data') return byteRate > 0 ? Math.min(size, b.length - at - 8) / byteRate : undefined;
      at += 8 + size + (size % 2);
    }
    return undefined;
  }
  if (b.length >= 28 && ascii(b, 0, 4) === 'OggS') {
    const head = 27 + (b[26] ?? 0);
    let rate: number;
    let preSkip = 0;
    if (ascii(b, head, 8) === 'OpusHead' && head + 12 <= b.length) {
      rate = 48_000;
      preSkip = b.readUInt16LE(head + 10);
    } else if (b[head] === 1 && ascii(b, head + 1, 6) === 'vorbis' && head + 16 <= b.length) {
      rate = b.readUInt32LE(head + 12);
    } else {
      return undefined;
    }
    const last = b.lastIndexOf('OggS');
    if (last + 14 > b.length || rate <= 0) return undefined;
    const granule = b.readUInt32LE(last + 6) + b.readUInt32LE(last + 10) * 0x1_0000_0000;
    return Math.max(0, granule - preSkip) / rate;
  }
  return undefined;
}
