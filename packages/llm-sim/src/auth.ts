import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { invalidApiKey, missingApiKey } from './errors';

/** Throws the 401 OpenAI would send unless `req` carries `Authorization: Bearer <apiKey>`. */
export function checkApiKey(req: IncomingMessage, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim());
  const provided = match?.[1]?.trim();
  if (provided === undefined || provided === '') throw missingApiKey();
  const a = Buffer.from(provided);
  const b = Buffer.from(apiKey);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw invalidApiKey(provided);
}
