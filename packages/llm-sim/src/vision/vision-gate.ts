import type { SimContext } from '../context';
import { ApiError, invalidRequest } from '../errors';
import { lookAt, readImageUrl } from './describe';

/**
 * What happens to image input before a chat request is queued, as on OpenAI: a model that is not
 * a vision model refuses any `image_url` part, and an image that is not a valid PNG, JPEG, GIF or
 * WebP is refused. Requests that are malformed otherwise, or name an unknown model, are left to
 * the chat handler, which answers them (400, 404) the usual way.
 */

/** Whether `model` matches one of `patterns` (exact names, `*` matches any run of characters); no list means every model. */
export function modelSeesImages(model: string, patterns: readonly string[] | undefined): boolean {
  if (patterns === undefined) return true;
  return patterns.some((pattern) => {
    const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
    return re.test(model);
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** OpenAI's answer to an image it cannot use. */
export function unsupportedImage(): ApiError {
  return new ApiError(
    400,
    "You uploaded an unsupported image. Please make sure your image is below 20 MB in size and is of one the following formats: ['png', 'jpeg', 'gif', 'webp'].",
    'invalid_request_error',
    null,
    'invalid_image_format',
  );
}

/** Throws the 400 OpenAI would answer for the request's image parts, if any. */
export function checkImageInputs(sim: Pick<SimContext, 'models' | 'visionModels'>, body: unknown): void {
  if (!isObject(body) || typeof body.model !== 'string' || !Array.isArray(body.messages)) return;
  const model = body.model;
  if (!sim.models.includes(model)) return;
  const sees = modelSeesImages(model, sim.visionModels);
  body.messages.forEach((message: unknown, i: number) => {
    if (!isObject(message) || !Array.isArray(message.content)) return;
    message.content.forEach((part: unknown, j: number) => {
      if (!isObject(part) || part.type !== 'image_url') return;
      if (!sees) {
        throw invalidRequest(
          'Invalid content type. image_url is only supported by certain models.',
          `messages.[${i}].content.[${j}].type`,
        );
      }
      const url = isObject(part.image_url) ? part.image_url.url : undefined;
      if (typeof url !== 'string') return;
      const reading = readImageUrl(url);
      if (reading.kind === 'invalid') {
        throw invalidRequest(
          `Invalid 'messages[${i}].content[${j}].image_url.url': ${reading.reason}.`,
          `messages.[${i}].content.[${j}].image_url.url`,
          'invalid_value',
        );
      }
      if (reading.kind === 'inline') {
        const seen = lookAt(reading.bytes);
        if (!seen || seen.corrupt) throw unsupportedImage();
      }
    });
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
