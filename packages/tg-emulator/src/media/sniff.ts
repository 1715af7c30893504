/**
 * What a file is, read from its first bytes the way Telegram's servers and clients do it: the
 * emulator needs a photo's width and height, a voice note's duration and a MIME type for files
 * whose sender gave none. Only headers are read; nothing is decoded.
 */

export interface ImageInfo {
  mimeType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
  width: number;
  height: number;
}

const u16be = (b: Uint8Array, at: number) => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const u16le = (b: Uint8Array, at: number) => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, at: number) => u16le(b, at) | ((b[at + 2] ?? 0) << 16);
const u32be = (b: Uint8Array, at: number) => u16be(b, at) * 0x10000 + u16be(b, at + 2);
const u32le = (b: Uint8Array, at: number) => u16le(b, at) + u16le(b, at + 2) * 0x10000;
const ascii = (b: Uint8Array, at: number, length: number) =>
  String.fromCharCode(...b.subarray(at, at + length));

/** JPEG start-of-frame markers (they carry the dimensions); C4, C8 and CC are other segments. */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** Format and dimensions of a PNG, JPEG, GIF or WebP image, or undefined for anything else. */
export function imageInfo(data: Uint8Array): ImageInfo | undefined {
  if (data.length >= 24 && u32be(data, 0) === 0x89504e47 && ascii(data, 12, 4) === 'IHDR') {
    return positive({ mimeType: 'image/png', width: u32be(data, 16), height: u32be(data, 20) });
  }
  if (data.length >= 10 && (ascii(data, 0, 6) === 'GIF87a' || ascii(data, 0, 6) === 'GIF89a')) {
    return positive({ mimeType: 'image/gif', width: u16le(data, 6), height: u16le(data, 8) });
  }
  if (data.length >= 30 && ascii(data, 0, 4) === 'RIFF' && ascii(data, 8, 4) === 'WEBP')
    return webpInfo(data);
  if (data[0] === 0xff && data[1] === 0xd8) return jpegInfo(data);
  return undefined;
}

function positive(info: ImageInfo): ImageInfo | undefined {
  return info.width > 0 && info.height > 0 ? info : undefined;
}

function webpInfo(data: Uint8Array): ImageInfo | undefined {
  const chunk = ascii(data, 12, 4);
  if (chunk === 'VP8 ' && data[23] === 0x9d && data[24] === 0x01 && data[25] === 0x2a) {
    return positive({
      mimeType: 'image/webp',
      width: u16le(data, 26) & 0x3fff,
      height: u16le(data, 28) & 0x3fff,
    });
  }
  if (chunk === 'VP8L' && data[20] === 0x2f) {
    const bits = u32le(data, 21);
    return { mimeType: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    return { mimeType: 'image/webp', width: u24le(data, 24) + 1, height: u24le(data, 27) + 1 };
  }
  return undefined;
}

function jpegInfo(data: Uint8Array): ImageInfo | undefined {
  let at = 2;
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) return undefined;
    const marker = data[at + 1] ?? 0;
    // Fill bytes, and markers that stand alone without a length.
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
      at += 2;
      continue;
    }
    const length = u16be(data, at + 2);
    if (JPEG_SOF.has(marker) && at + 9 <= data.length) {
      return positive({ mimeType: 'image/jpeg', height: u16be(data, at + 5), width: u16be(data, at + 7) });
    }
    if (length < 2) return undefined;
    at += 2 + length;
  }
  return undefined;
}

/** The MIME type of a file by its magic bytes: images, and the audio formats voice notes come in. */
export function sniffMimeType(data: Uint8Array): string | undefined {
  const image = imageInfo(data);
  if (image) return image.mimeType;
  if (ascii(data, 0, 4) === 'OggS') return 'audio/ogg';
  if (ascii(data, 0, 4) === 'RIFF' && ascii(data, 8, 4) === 'WAVE') return 'audio/wav';
  if (ascii(data, 0, 4) === 'fLaC') return 'audio/flac';
  if (ascii(data, 0, 3) === 'ID3' || (data[0] === 0xff && ((data[1] ?? 0) & 0xe0) === 0xe0))
    return 'audio/mpeg';
  if (ascii(data, 4, 4) === 'ftyp') return 'audio/mp4';
  if (u32be(data, 0) === 0x1a45dfa3) return 'audio/webm';
  if (ascii(data, 0, 5) === '%PDF-') return 'application/pdf';
  return undefined;
}

/**
 * Seconds of audio in a WAV (data size over byte rate) or an Ogg Opus/Vorbis file (the last
 * page's granule position), or undefined when the header does not tell.
 */
export function audioDurationSeconds(data: Uint8Array): number | undefined {
  if (ascii(data, 0, 4) === 'RIFF' && ascii(data, 8, 4) === 'WAVE') return wavDuration(data);
  if (ascii(data, 0, 4) === 'OggS') return oggDuration(data);
  return undefined;
}

function wavDuration(data: Uint8Array): number | undefined {
  let byteRate = 0;
  let at = 12;
  while (at + 8 <= data.length) {
    const id = ascii(data, at, 4);
    const size = u32le(data, at + 4);
    if (id === 'fmt ') byteRate = u32le(data, at + 16);
    if (id === 'data') {
      // A streamed WAV may declare a huge or zero size: count what is actually there.
      const available = Math.min(size, data.length - at - 8);
      return byteRate > 0 ? available / byteRate : undefined;
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

function oggDuration(data: Uint8Array): number | undefined {
  // The first page's payload starts at 27 + its segment count.
  const head = 27 + (data[26] ?? 0);
  let rate: number;
  let preSkip = 0;
  if (ascii(data, head, 8) === 'OpusHead') {
    // Opus granule positions always count 48 kHz samples, whatever the input rate was.
    rate = 48_000;
    preSkip = u16le(data, head + 10);
  } else if (data[head] === 0x01 && ascii(data, head + 1, 6) === 'vorbis') {
    rate = u32le(data, head + 12);
  } else {
    return undefined;
  }
  const last = Buffer.from(data.buffer, data.byteOffset, data.byteLength).lastIndexOf('OggS');
  if (last < 0 || rate <= 0) return undefined;
  const granule = u32le(data, last + 6) + u32le(data, last + 10) * 0x1_0000_0000;
  return Math.max(0, granule - preSkip) / rate;
}
