import { randomBytes } from 'node:crypto';

/** Returned as `system_fingerprint`, so logs show the answer came from the simulator. */
export const SYSTEM_FINGERPRINT = 'fp_parley_sim';

/** A random id with OpenAI's prefixes (`chatcmpl-`, `cmpl-`, `req_`). */
export function newId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('base64url')}`;
}

/** Unix seconds, the unit of OpenAI's `created` fields. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
