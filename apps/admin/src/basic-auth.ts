import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/** Hashing first gives equal lengths, so the comparison takes the same time for every guess. */
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

function credentialsMatch(header: string | undefined, username: string, password: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // Both halves are always compared, so a wrong user name takes as long as a wrong password.
  const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), digest(username));
  const passwordOk = timingSafeEqual(digest(decoded.slice(colon + 1)), digest(password));
  return userOk && passwordOk;
}

/** HTTP basic authentication (RFC 7617) in front of everything mounted after it. */
export function basicAuth(opts: { username: string; password: string; realm: string }): RequestHandler {
  return (req, res, next) => {
    if (credentialsMatch(req.headers.authorization, opts.username, opts.password)) return next();
    res.set('WWW-Authenticate', `Basic realm="${opts.realm}", charset="UTF-8"`);
    res.status(401).type('text/plain').send('authentication required\n');
  };
}
