/**
 * Format and size of an image from its header bytes, for the four formats OpenAI's vision models
 * take (PNG, JPEG, GIF, WebP). Nothing is decoded here; `png.ts` decodes PNG pixels.
 */

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** JPEG: 1 = greyscale, 3 = colour (YCbCr), 4 = CMYK. */
  components?: number;
  /** JPEG: progressive rather than baseline. */
  progressive?: boolean;
}

const u16be = (b: Uint8Array, at: number) => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const u16le = (b: Uint8Array, at: number) => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, at: number) => u16le(b, at) | ((b[at + 2] ?? 0) << 16);
const u32be = (b: Uint8Array, at: number) => u16be(b, at) * 0x10000 + u16be(b, at + 2);
const ascii = (b: Uint8Array, at: number, length: number) =>
  String.fromCharCode(...b.subarray(at, at + length));

/** Start-of-frame markers; C4 (Huffman tables), C8 and CC (arithmetic coding tables) are not frames. */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const PROGRESSIVE = new Set([0xc2, 0xc6, 0xca, 0xce]);

/** The image's header, or undefined when the bytes are not a PNG, JPEG, GIF or WebP image. */
export function readImageHeader(data: Uint8Array): ImageHeader | undefined {
  let header: ImageHeader | undefined;
  if (data.length >= 24 && u32be(data, 0) === 0x89504e47 && ascii(data, 12, 4) === 'IHDR') {
    header = { format: 'png', width: u32be(data, 16), height: u32be(data, 20) };
  } else if (data.length >= 10 && /^GIF8[79]a$/.test(ascii(data, 0, 6))) {
    header = { format: 'gif', width: u16le(data, 6), height: u16le(data, 8) };
  } else if (data.length >= 30 && ascii(data, 0, 4) === 'RIFF' && ascii(data, 8, 4) === 'WEBP') {
    header = webp(data);
  } else if (data[0] === 0xff && data[1] === 0xd8) {
    header = jpeg(data);
  }
  return header && header.width > 0 && header.height > 0 ? header : undefined;
}

function webp(data: Uint8Array): ImageHeader | undefined {
  const chunk = ascii(data, 12, 4);
  if (chunk === 'VP8 ' && data[23] === 0x9d && data[24] === 0x01 && data[25] === 0x2a) {
    return { format: 'webp', width: u16le(data, 26) & 0x3fff, height: u16le(data, 28) & 0x3fff };
  }
  if (chunk === 'VP8L' && data[20] === 0x2f) {
    const bits = u16le(data, 21) + u16le(data, 23) * 0x10000;
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { format: 'webp', width: u24le(data, 24) + 1, height: u24le(data, 27) + 1 };
  return undefined;
}

function jpeg(data: Uint8Array): ImageHeader | undefined {
  let at = 2;
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) return undefined;
    const marker = data[at + 1] ?? 0;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
      at += 2;
      continue;
    }
    if (JPEG_SOF.has(marker) && at + 10 <= data.length) {
      return {
        format: 'jpeg',
        height: u16be(data, at + 5),
        width: u16be(data, at + 7),
        components: data[at + 9] ?? 0,
        progressive: PROGRESSIVE.has(marker),
      };
    }
    const length = u16be(data, at + 2);
    if (length < 2) return undefined;
    at += 2 + length;
  }
  return undefined;
}
