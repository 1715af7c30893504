import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
  });
  res.end(payload);
}

/** Telegram's error envelope, with the HTTP status equal to the error code. */
export function sendError(res: ServerResponse, code: number, description: string): void {
  sendJson(res, code, { ok: false, error_code: code, description });
}
