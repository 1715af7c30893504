import type { ServerResponse } from 'node:http';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export const sendError = (
  res: ServerResponse,
  status: number,
  error: string,
  headers?: Record<string, string>,
) => sendJson(res, status, { ok: false, error }, headers);

const OK_BODY = '{"ok":true}';
// A flat [name, value, …] list: Node writes it without walking and checking an object's keys.
const OK_HEADERS = [
  'content-type',
  'application/json; charset=utf-8',
  'content-length',
  String(Buffer.byteLength(OK_BODY)),
];

/** The webhook's 200, prepared once: it is the answer to nearly every request. */
export function sendOk(res: ServerResponse): void {
  res.writeHead(200, OK_HEADERS);
  res.end(OK_BODY);
}
