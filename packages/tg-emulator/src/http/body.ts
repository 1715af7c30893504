import type { IncomingMessage } from 'node:http';
import { parseMultipart } from './multipart';

/** Telegram's limit for uploads through the cloud Bot API. */
export const MAX_BODY_BYTES = 50 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor() {
    super('Request Entity Too Large');
  }
}

export class MalformedBodyError extends Error {}

/** Reads the whole request body, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

/**
 * Request parameters the way the Bot API takes them: the query string merged with a JSON,
 * x-www-form-urlencoded or multipart/form-data body (the body wins on a clash).
 */
export function parseParams(
  contentType: string | undefined,
  query: URLSearchParams,
  body: Buffer,
): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(query);
  if (body.length === 0) return params;
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new MalformedBodyError("can't parse JSON object");
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new MalformedBodyError('JSON object expected');
    }
    return { ...params, ...(parsed as Record<string, unknown>) };
  }
  if (type.includes('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    const value = boundary?.[1] ?? boundary?.[2];
    if (!value) throw new MalformedBodyError('multipart boundary is missing');
    return { ...params, ...parseMultipart(body, value.trim()) };
  }
  // Telegram treats anything else like a form (curl -d sends x-www-form-urlencoded).
  return { ...params, ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) };
}
