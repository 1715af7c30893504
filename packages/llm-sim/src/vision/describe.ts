import { mainColour } from './colours';
import { type ImageHeader, readImageHeader } from './image-header';
import { decodePng, PngDecodeError } from './png';

/**
 * What the simulated vision model "sees": a description derived from the image itself (format,
 * size, and for PNG the main colour of its pixels), so that a test can prove the image that
 * reached the model is the one the user sent. Images given by http(s) URL are not fetched.
 */

export type ImageUrlReading =
  | { kind: 'inline'; mimeType: string; bytes: Buffer }
  | { kind: 'remote'; url: URL }
  | { kind: 'invalid'; reason: string };

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*);base64,([\s\S]*)$/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Reads an `image_url.url`: a base64 data URL (decoded), an http(s) URL, or neither. */
export function readImageUrl(url: string): ImageUrlReading {
  const data = DATA_URL.exec(url);
  if (data) {
    const payload = (data[3] ?? '').replace(/\s+/g, '');
    if (!BASE64.test(payload)) return { kind: 'invalid', reason: 'the data URL is not valid base64' };
    return { kind: 'inline', mimeType: (data[1] ?? '').toLowerCase(), bytes: Buffer.from(payload, 'base64') };
  }
  if (url.startsWith('data:')) return { kind: 'invalid', reason: 'a data URL must be base64-encoded' };
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return { kind: 'remote', url: parsed };
  } catch {
    // not a URL at all
  }
  return { kind: 'invalid', reason: 'expected a base64 data URL or an http(s) URL' };
}

export interface SeenImage {
  header: ImageHeader;
  /** PNG pixels could not be decoded although the header was readable. */
  corrupt?: boolean;
  description: string;
}

/** Looks at an inline image; undefined when the bytes are not a PNG, JPEG, GIF or WebP image. */
export function lookAt(bytes: Uint8Array): SeenImage | undefined {
  const header = readImageHeader(bytes);
  if (!header) return undefined;
  const size = `${header.width}×${header.height}`;
  const base = `a ${size} ${header.format.toUpperCase()} image`;
  if (header.format === 'jpeg') {
    const kind = header.components === 1 ? 'greyscale' : header.components === 4 ? 'CMYK' : 'colour';
    return { header, description: `${base} (${kind}${header.progressive ? ', progressive' : ''})` };
  }
  if (header.format !== 'png') return { header, description: base };
  try {
    const pixels = decodePng(bytes);
    if (!pixels) return { header, description: base };
    const colour = mainColour(pixels);
    if (!colour) return { header, description: `${base}, fully transparent` };
    const percent = Math.round(colour.share * 100);
    return {
      header,
      description: `${base} whose main colour is ${colour.name} (${colour.hex}, ${percent}% of the pixels)`,
    };
  } catch (err) {
    if (err instanceof PngDecodeError) return { header, corrupt: true, description: base };
    throw err;
  }
}

/** A description of any `image_url.url`; never throws (the HTTP layer has refused bad images already). */
export function describeImageUrl(url: string): string {
  const reading = readImageUrl(url);
  if (reading.kind === 'remote')
    return `an image at ${reading.url.host} (the simulator does not fetch image URLs)`;
  if (reading.kind === 'invalid') return 'an image the simulator cannot read';
  const seen = lookAt(reading.bytes);
  return seen && !seen.corrupt ? seen.description : 'an image the simulator cannot read';
}

/** "1 image: …" or "2 images: 1) …; 2) …". */
export function imageList(descriptions: readonly string[]): string {
  if (descriptions.length === 1) return `1 image: ${descriptions[0]}`;
  return `${descriptions.length} images: ${descriptions.map((d, i) => `${i + 1}) ${d}`).join('; ')}`;
}
