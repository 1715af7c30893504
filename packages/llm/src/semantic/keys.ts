import { createHash } from 'node:crypto';

/**
 * Everything a cached answer depends on besides the prompt. Only context-free turns (the first
 * message after `/start` or `/reset`) have a scope: a turn with history has no `context: 'none'`,
 * so it cannot be looked up or stored, and an answer can never cross conversations.
 */
export interface CacheScope {
  model: string;
  systemPrompt: string;
  temperature: number;
  maxTokens: number;
  context: 'none';
}

/** Hex hash of the scope; entries are compared only with entries of the same scope. */
export function scopeHash(scope: CacheScope): string {
  const material = JSON.stringify([
    'sem-v1',
    scope.model,
    scope.systemPrompt,
    scope.temperature,
    scope.maxTokens,
    scope.context,
  ]);
  return createHash('sha256').update(material).digest('hex').slice(0, 32);
}

/** Id of a prompt's entry: storing the same (normalised) prompt again replaces its entry. */
export function entryId(normalizedPrompt: string): string {
  return createHash('sha256').update(normalizedPrompt).digest('hex').slice(0, 32);
}

export interface SemanticScopeKeys {
  /** Hash: entry id → JSON `{ prompt, answer, vector, createdAt }`. */
  entries: string;
  /** Sorted set: entry id → insertion time in Redis microseconds (strictly increasing). */
  order: string;
  /** String: a random token replaced by every store, so other pods know to resync. */
  version: string;
}

/** The keys of one scope share the hash tag `{hash}`, so they sit in one Redis Cluster slot. */
export function semanticScopeKeys(keyPrefix: string, hash: string): SemanticScopeKeys {
  const base = `${keyPrefix}:semcache:{${hash}}`;
  return { entries: `${base}:entries`, order: `${base}:order`, version: `${base}:version` };
}
