/**
 * Key names of the limits. Every key of one user carries the hash tag `{<botId>:u:<userId>}`, so
 * Redis Cluster keeps them in one slot (one script may touch several, and `/forget` deletes them
 * together). The provider budget's keys share the tag `{provider:<name>}`.
 */

/** A Telegram user id, or any other stable id without braces or spaces. */
export type UserId = number | string;

const SAFE_ID = /^[A-Za-z0-9_.:@-]{1,64}$/;

function checkPart(name: string, value: string): string {
  // A '}' would end the hash tag early and scatter one user's keys over several slots.
  if (!SAFE_ID.test(value))
    throw new RangeError(`${name} must be 1-64 of A-Z a-z 0-9 _ . : @ - (got "${value}")`);
  return value;
}

export function userId(id: UserId): string {
  if (typeof id === 'number') {
    if (!Number.isSafeInteger(id)) throw new RangeError(`user id must be a safe integer (got ${id})`);
    return String(id);
  }
  return checkPart('user id', id);
}

export interface UserKeys {
  rate(user: UserId): string;
  notice(user: UserId, kind: string): string;
  tokens(user: UserId, window: string): string;
  reservations(user: UserId): string;
}

/** Keys look like `${keyPrefix}:limits:{${botId}:u:${user}}:…`. */
export function userKeys(keyPrefix: string, botId: string): UserKeys {
  checkPart('botId', botId);
  if (keyPrefix === '' || /[{}\s]/.test(keyPrefix))
    throw new RangeError('keyPrefix must be non-empty, without braces or spaces');
  const base = (user: UserId) => `${keyPrefix}:limits:{${botId}:u:${userId(user)}}`;
  return {
    rate: (user) => `${base(user)}:rate`,
    notice: (user, kind) => `${base(user)}:notice:${checkPart('notice kind', kind)}`,
    tokens: (user, window) => `${base(user)}:tokens:${window}`,
    reservations: (user) => `${base(user)}:tokens:reserved`,
  };
}

export function providerKeys(keyPrefix: string, provider: string): { requests: string; tokens: string } {
  checkPart('provider', provider);
  if (keyPrefix === '' || /[{}\s]/.test(keyPrefix))
    throw new RangeError('keyPrefix must be non-empty, without braces or spaces');
  const base = `${keyPrefix}:limits:{provider:${provider}}`;
  return { requests: `${base}:requests`, tokens: `${base}:tokens` };
}
