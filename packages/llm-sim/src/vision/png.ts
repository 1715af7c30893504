import { inflateSync } from 'node:zlib';

/**
 * A small PNG decoder, enough to look at the pixels: every colour type and bit depth of
 * non-interlaced PNGs. Interlaced (Adam7) images are not decoded. Decompression is capped at the
 * size the header announces, so a "zip bomb" cannot make the simulator allocate more.
 */

export interface RgbaImage {
  width: number;
  height: number;
  /** 4 bytes per pixel, row by row. */
  pixels: Uint8Array;
}

/** Raw (filtered) image data larger than this is not decoded: the simulator only needs a look. */
export const MAX_PNG_RAW_BYTES = 64 * 1024 * 1024;

export class PngDecodeError extends Error {}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Decodes a PNG to RGBA; undefined for interlaced or oversized images; throws PngDecodeError when corrupt. */
export function decodePng(data: Uint8Array): RgbaImage | undefined {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = -1;
  let interlace = 0;
  let palette: Buffer | undefined;
  let alphas: Buffer | undefined;
  const idat: Buffer[] = [];
  while (at + 8 <= buf.length) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('ascii', at + 4, at + 8);
    const body = buf.subarray(at + 8, at + 8 + length);
    if (body.length < length) throw new PngDecodeError(`truncated ${type} chunk`);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      depth = body[8] ?? 0;
      colorType = body[9] ?? -1;
      interlace = body[12] ?? 0;
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') alphas = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  const channels = CHANNELS[colorType];
  if (channels === undefined || ![1, 2, 4, 8, 16].includes(depth) || width <= 0 || height <= 0)
    throw new PngDecodeError('bad IHDR');
  if (colorType === 3 && !palette) throw new PngDecodeError('palette image without PLTE');
  if (idat.length === 0) throw new PngDecodeError('no image data');
  if (interlace !== 0) return undefined;

  const bitsPerPixel = channels * depth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const rawSize = height * (stride + 1);
  if (rawSize > MAX_PNG_RAW_BYTES) return undefined;
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: rawSize });
  } catch {
    throw new PngDecodeError('corrupt image data');
  }
  if (raw.length < rawSize) throw new PngDecodeError('image data ends early');

  const bpp = Math.max(1, bitsPerPixel >> 3);
  const rows = unfilter(raw, height, stride, bpp);
  const pixels = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = rows.subarray(y * stride, (y + 1) * stride);
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const sample = (channel: number) => sampleAt(row, x * channels + channel, depth);
      if (colorType === 3) {
        const index = sample(0);
        pixels[o] = palette?.[index * 3] ?? 0;
        pixels[o + 1] = palette?.[index * 3 + 1] ?? 0;
        pixels[o + 2] = palette?.[index * 3 + 2] ?? 0;
        pixels[o + 3] = alphas?.[index] ?? 255;
        continue;
      }
      const scale = (value: number) =>
        depth === 16 ? value >> 8 : depth < 8 ? Math.round((value * 255) / ((1 << depth) - 1)) : value;
      if (colorType === 0 || colorType === 4) {
        const grey = scale(sample(0));
        pixels[o] = grey;
        pixels[o + 1] = grey;
        pixels[o + 2] = grey;
        pixels[o + 3] = colorType === 4 ? scale(sample(1)) : 255;
      } else {
        pixels[o] = scale(sample(0));
        pixels[o + 1] = scale(sample(1));
        pixels[o + 2] = scale(sample(2));
        pixels[o + 3] = colorType === 6 ? scale(sample(3)) : 255;
      }
    }
  }
  return { width, height, pixels };
}

/** The n-th sample of a row, of `depth` bits (big-endian for 16, packed high bits first below 8). */
function sampleAt(row: Uint8Array, n: number, depth: number): number {
  if (depth === 8) return row[n] ?? 0;
  if (depth === 16) return ((row[n * 2] ?? 0) << 8) | (row[n * 2 + 1] ?? 0);
  const bit = n * depth;
  const byte = row[bit >> 3] ?? 0;
  return (byte >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
}

/** Undoes PNG's per-row filters (None, Sub, Up, Average, Paeth) into plain rows. */
function unfilter(raw: Buffer, height: number, stride: number, bpp: number): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i] ?? 0;
      const a = i >= bpp ? (out[dst + i - bpp] ?? 0) : 0;
      const b = y > 0 ? (out[dst - stride + i] ?? 0) : 0;
      const c = i >= bpp && y > 0 ? (out[dst - stride + i - bpp] ?? 0) : 0;
      let value: number;
      switch (filter) {
        case 0:
          value = x;
          break;
        case 1:
          value = x + a;
          break;
        case 2:
          value = x + b;
          break;
        case 3:
          value = x + ((a + b) >> 1);
          break;
        case 4:
          value = x + paeth(a, b, c);
          break;
        default:
          throw new PngDecodeError(`unknown filter type ${filter}`);
      }
      out[dst + i] = value & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
