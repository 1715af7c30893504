import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiError, bodyTooLarge, invalidJson } from './errors';

/** Largest accepted request body (images arrive inline as base64 data URLs). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** One request as the handlers see it. */
export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  /** Aborts when the client disconnects or the simulator closes. */
  signal: AbortSignal;
  requestId: string;
  /** Parsed JSON body (`undefined` for requests without one). */
  body: unknown;
  /** Path without query string or trailing slash. */
  path: string;
}

/** Reads and parses a JSON body, refusing more than {@link MAX_BODY_BYTES}. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    // Keep draining so the client sees the 413 instead of a reset connection.
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(buffer);
  }
  if (tooLarge) throw bodyTooLarge(MAX_BODY_BYTES);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidJson();
  }
}

export function sendJson(
  call: Pick<Call, 'res' | 'requestId'>,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const payload = JSON.stringify(body);
  call.res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-request-id': call.requestId,
    ...headers,
  });
  call.res.end(payload);
}

export function sendApiError(call: Pick<Call, 'res' | 'requestId'>, error: ApiError): void {
  sendJson(call, error.status, error.body(), error.headers);
}
