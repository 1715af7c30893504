import type { ChatCompletionContentPartImage } from 'openai/resources/chat/completions';
import { MediaError } from './errors';
import { sniffMediaType } from './sniff';

/** OpenAI's limit for one image in a request. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

export interface ImagePartOptions {
  /** @defaultValue 20 MiB (OpenAI's own limit per image) */
  maxBytes?: number;
  /** OpenAI's `detail`: `low` costs a flat 85 tokens. @defaultValue left to the API ('auto') */
  detail?: 'auto' | 'low' | 'high';
}

/**
 * An `image_url` content part carrying the image inline as a data URL, with its MIME type taken
 * from the bytes (a sender's `mime_type` may be wrong). Only PNG, JPEG, GIF and WebP: the formats
 * OpenAI-compatible vision models take; anything else is `unsupported_type`.
 */
export function toImagePart(bytes: Uint8Array, opts: ImagePartOptions = {}): ChatCompletionContentPartImage {
  const maxBytes = opts.maxBytes ?? MAX_IMAGE_BYTES;
  if (bytes.length > maxBytes) {
    throw new MediaError('too_big', `the image has ${bytes.length} bytes, more than the ${maxBytes} allowed`);
  }
  const type = sniffMediaType(bytes);
  if (type?.kind !== 'image') {
    throw new MediaError('unsupported_type', 'not a PNG, JPEG, GIF or WebP image');
  }
  const url = `data:${type.mimeType};base64,${Buffer.from(bytes).toString('base64')}`;
  return { type: 'image_url', image_url: opts.detail ? { url, detail: opts.detail } : { url } };
}
