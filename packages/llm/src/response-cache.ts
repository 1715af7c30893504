import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Exact-match cache of answers to context-free prompts (the first turn of a conversation).
 * The key covers everything such an answer depends on: model, system prompt, sampling
 * parameters and the normalised prompt. Turns with history are never cached here, because the
 * same words mean different things in different conversations.
 */
export interface CacheKeyParts {
  model: string;
  systemPrompt: string;
  temperature: number;
  maxTokens: number;
  prompt: string;
}

/**
 * Case, Unicode form, whitespace and the closing "?", "!" or "." after a word do not change what
 * is being asked (most people end a question with "?", many do not). After a digit or a symbol
 * they may ("5!" is a factorial), so they stay there.
 */
export function normalizePrompt(text: string): string {
  return text
    .normalize('NFKC')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase()
    .replace(/(?<=[\p{L}\p{M}])\s?[?!.]+$/u, '');
}

export function cacheKeyHash(parts: CacheKeyParts): string {
  const material = JSON.stringify([
    'v1',
    parts.model,
    parts.systemPrompt,
    parts.temperature,
    parts.maxTokens,
    normalizePrompt(parts.prompt),
  ]);
  return createHash('sha256').update(material).digest('hex');
}

export interface ResponseCache {
  get(parts: CacheKeyParts): Promise<string | undefined>;
  set(parts: CacheKeyParts, answer: string): Promise<void>;
}

export function createResponseCache(
  redis: Redis,
  opts: { keyFor: (hash: string) => string; ttlSeconds: number },
): ResponseCache {
  return {
    async get(parts) {
      return (await redis.get(opts.keyFor(cacheKeyHash(parts)))) ?? undefined;
    },
    async set(parts, answer) {
      await redis.set(opts.keyFor(cacheKeyHash(parts)), answer, 'EX', opts.ttlSeconds);
    },
  };
}
