import { hash, timingSafeEqual } from 'node:crypto';

/**
 * The webhook's secret-token check, prepared once: the same constant-time comparison of SHA-256
 * digests as `secretTokenMatches` (@parley/telegram), which hashes both sides on every call; here
 * the expected digest is computed at start and the received one with the one-shot `crypto.hash`,
 * a third of the cost on the gateway's hot path.
 */
export function createSecretCheck(expected: string): (received: string | string[] | undefined) => boolean {
  const expectedDigest = hash('sha256', expected, 'buffer');
  return (received) => {
    if (typeof received !== 'string' || received.length === 0) return false;
    return timingSafeEqual(expectedDigest, hash('sha256', received, 'buffer'));
  };
}
