import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { normalizePrompt } from '../response-cache';
import { contentWordsOf } from './content-words';
import { type CacheScope, entryId, type SemanticScopeKeys, scopeHash, semanticScopeKeys } from './keys';
import { numbersOf } from './numbers';
import { FETCH_SCRIPT, STORE_SCRIPT, SYNC_SCRIPT } from './scripts';
import { dot, toUnitVector, vectorFromBase64, vectorToBase64 } from './vectors';

export type SemanticLookup =
  | { kind: 'hit'; answer: string; similarity: number; matchedPrompt: string }
  | { kind: 'near_miss'; similarity: number }
  | { kind: 'miss' };

/** One lookup's outcome for metrics; `similarity` is the best one found (0 when none). */
export interface SemanticCacheEvent {
  kind: SemanticLookup['kind'];
  similarity: number;
}

export interface SemanticCacheOptions {
  /** Prefix of every key, e.g. `parley`. */
  keyPrefix: string;
  /** Text → embedding vector (any length; it is L2-normalised here). */
  embed: (text: string) => Promise<number[]>;
  /** Cosine similarity at or above which a stored answer is reused. @defaultValue 0.92 */
  threshold?: number;
  /** Similarities in [threshold - nearMissMargin, threshold) are reported as near misses. @defaultValue 0.05 */
  nearMissMargin?: number;
  /** Entries kept per scope; beyond it the oldest inserted are evicted. @defaultValue 5000 */
  maxEntriesPerScope?: number;
  /** An entry lives this long after it was stored; an idle scope's keys expire too. @defaultValue 86400 */
  ttlSeconds?: number;
  /** How long this process trusts its copy of a scope's vectors before asking Redis. @defaultValue 2000 */
  refreshIntervalMs?: number;
  /** Recent embeddings kept in process, so `store` after a missed `lookup` embeds nothing. @defaultValue 1000 */
  embeddingMemoSize?: number;
  /** Called once per lookup; exceptions it throws are ignored. */
  observe?: (event: SemanticCacheEvent) => void;
}

export interface SemanticCache {
  /**
   * The stored answer of the most similar prompt of the same scope whose numbers and content
   * words (in order) are the query's, when the similarity reaches the threshold: prompts that
   * differ by more than fillers ("hey", "please", "can you tell me") never hit, however similar.
   * Rejects when `embed` or Redis fails; callers should then go on as on a miss.
   */
  lookup(scope: CacheScope, prompt: string): Promise<SemanticLookup>;
  /** Stores an answer to a context-free prompt; the same normalised prompt replaces its entry. */
  store(scope: CacheScope, prompt: string, answer: string): Promise<void>;
}

interface StoredEntry {
  prompt: string;
  answer: string;
  /** Unit vector, little-endian float32 in base64. */
  vector: string;
  /** The storing process's clock, ms; informational (expiry uses Redis time). */
  createdAt: number;
}

interface ScopeSnapshot {
  keys: SemanticScopeKeys;
  /** The version token last read from Redis; undefined before the first sync. */
  version: string | undefined;
  checkedAt: number;
  /** Entry id → its unit vector and what a hit must share with its prompt (see `questionOf`). */
  vectors: Map<string, { vector: Float32Array; question: string }>;
  syncing: Promise<void> | undefined;
}

/** Scopes whose vectors this process keeps; the least recently used beyond it are dropped. */
const MAX_SCOPES_IN_MEMORY = 64;
const HMGET_CHUNK = 500;
/** Never matches a version token (tokens are hex; a scope without keys has ''). */
const UNKNOWN_VERSION = '-';

function checkOptions(o: Required<Omit<SemanticCacheOptions, 'observe' | 'embed' | 'keyPrefix'>>): void {
  if (!(o.threshold > 0 && o.threshold <= 1))
    throw new RangeError(`threshold must be in (0, 1], got ${o.threshold}`);
  if (!(o.nearMissMargin >= 0 && o.nearMissMargin < 1))
    throw new RangeError(`nearMissMargin must be in [0, 1), got ${o.nearMissMargin}`);
  if (!Number.isInteger(o.maxEntriesPerScope) || o.maxEntriesPerScope < 1)
    throw new RangeError(`maxEntriesPerScope must be a positive integer, got ${o.maxEntriesPerScope}`);
  if (!(o.ttlSeconds > 0 && Number.isFinite(o.ttlSeconds)))
    throw new RangeError(`ttlSeconds must be positive, got ${o.ttlSeconds}`);
  if (!(o.refreshIntervalMs >= 0))
    throw new RangeError(`refreshIntervalMs must be >= 0, got ${o.refreshIntervalMs}`);
  if (!Number.isInteger(o.embeddingMemoSize) || o.embeddingMemoSize < 0)
    throw new RangeError(`embeddingMemoSize must be a non-negative integer, got ${o.embeddingMemoSize}`);
}

function checkScope(scope: CacheScope): void {
  // The type admits only context-free turns; this guards callers that bypass it.
  if (scope.context !== 'none') throw new TypeError("semantic cache scopes must have context: 'none'");
}

/**
 * A semantic answer cache in front of an LLM, for context-free prompts: a new prompt whose
 * embedding is close enough to a stored prompt of the same scope, with the same numbers and
 * content words, gets that prompt's answer.
 * Meant to sit behind the exact cache (`createResponseCache`). Similarity is brute-force cosine
 * over the scope's vectors, held in process and synced from Redis lazily; this is fine up to some
 * thousands of entries per scope. Beyond that the scale-out path is a vector index in Redis
 * (Redis Stack / RediSearch `FT.SEARCH … KNN`) instead of the in-process copy.
 */
export function createSemanticCache(redis: Redis, options: SemanticCacheOptions): SemanticCache {
  const settings = {
    threshold: options.threshold ?? 0.92,
    nearMissMargin: options.nearMissMargin ?? 0.05,
    maxEntriesPerScope: options.maxEntriesPerScope ?? 5000,
    ttlSeconds: options.ttlSeconds ?? 86_400,
    refreshIntervalMs: options.refreshIntervalMs ?? 2000,
    embeddingMemoSize: options.embeddingMemoSize ?? 1000,
  };
  checkOptions(settings);
  const ttlMs = String(Math.round(settings.ttlSeconds * 1000));
  const nearMissFloor = settings.threshold - settings.nearMissMargin;

  const snapshots = new Map<string, ScopeSnapshot>();
  const inFlight = new Map<string, Promise<Float32Array>>();
  const memo = new Map<string, Float32Array>();

  function remember(text: string, vector: Float32Array): void {
    if (settings.embeddingMemoSize === 0) return;
    memo.delete(text);
    memo.set(text, vector);
    if (memo.size > settings.embeddingMemoSize) {
      const oldest = memo.keys().next();
      if (!oldest.done) memo.delete(oldest.value);
    }
  }

  /** Concurrent calls for one normalised text share one `embed` call. */
  function embedShared(text: string): Promise<Float32Array> {
    const known = memo.get(text);
    if (known) {
      remember(text, known);
      return Promise.resolve(known);
    }
    let pending = inFlight.get(text);
    if (!pending) {
      pending = Promise.resolve()
        .then(() => options.embed(text))
        .then((raw) => {
          const unit = toUnitVector(raw);
          if (!unit) throw new Error('embed returned an empty, zero or non-finite vector');
          remember(text, unit);
          return unit;
        })
        .finally(() => inFlight.delete(text));
      inFlight.set(text, pending);
    }
    return pending;
  }

  function snapshotFor(hash: string): ScopeSnapshot {
    let snap = snapshots.get(hash);
    if (snap) {
      snapshots.delete(hash); // re-insert: most recently used last
    } else {
      snap = {
        keys: semanticScopeKeys(options.keyPrefix, hash),
        version: undefined,
        checkedAt: 0,
        vectors: new Map(),
        syncing: undefined,
      };
    }
    snapshots.set(hash, snap);
    if (snapshots.size > MAX_SCOPES_IN_MEMORY) {
      const oldest = snapshots.keys().next();
      if (!oldest.done) snapshots.delete(oldest.value);
    }
    return snap;
  }

  async function sync(snap: ScopeSnapshot): Promise<void> {
    const startedAt = Date.now();
    const reply = (await redis.eval(
      SYNC_SCRIPT,
      2,
      snap.keys.order,
      snap.keys.version,
      snap.version ?? UNKNOWN_VERSION,
      ttlMs,
    )) as [string, string[]?];
    const [version, liveIds] = reply;
    if (liveIds) {
      const live = new Set(liveIds);
      for (const id of snap.vectors.keys()) if (!live.has(id)) snap.vectors.delete(id);
      const missing = liveIds.filter((id) => !snap.vectors.has(id));
      for (let i = 0; i < missing.length; i += HMGET_CHUNK) {
        const ids = missing.slice(i, i + HMGET_CHUNK);
        const values = await redis.hmget(snap.keys.entries, ...ids);
        values.forEach((json, j) => {
          const id = ids[j];
          if (json === null || id === undefined) return;
          const entry = parseEntry(json);
          if (entry) {
            snap.vectors.set(id, {
              vector: vectorFromBase64(entry.vector),
              question: questionOf(normalizePrompt(entry.prompt)),
            });
          }
        });
      }
    }
    snap.version = version;
    snap.checkedAt = startedAt;
  }

  async function fresh(hash: string): Promise<ScopeSnapshot> {
    const snap = snapshotFor(hash);
    const stale = snap.version === undefined || Date.now() - snap.checkedAt >= settings.refreshIntervalMs;
    if (!stale) return snap;
    if (!snap.syncing) {
      snap.syncing = sync(snap).finally(() => {
        snap.syncing = undefined;
      });
    }
    await snap.syncing;
    return snap;
  }

  async function fetchEntry(snap: ScopeSnapshot, id: string): Promise<StoredEntry | undefined> {
    const json = (await redis.eval(FETCH_SCRIPT, 2, snap.keys.entries, snap.keys.order, id, ttlMs)) as
      | string
      | null;
    return json === null ? undefined : parseEntry(json);
  }

  function report(event: SemanticCacheEvent): void {
    try {
      options.observe?.(event);
    } catch {
      // Metrics must not break lookups.
    }
  }

  /** The lookup's result, and the best similarity seen (for `observe`, also on a miss). */
  async function classify(
    snap: ScopeSnapshot,
    query: Float32Array,
    queryQuestion: string,
  ): Promise<{ result: SemanticLookup; similarity: number }> {
    let best = 0;
    const candidates: Array<{ id: string; similarity: number }> = [];
    for (const [id, { vector, question }] of snap.vectors) {
      if (vector.length !== query.length) continue; // another embedding model; see the README
      const similarity = dot(query, vector);
      if (similarity >= nearMissFloor) {
        // Other numbers or content words, another question however similar: not even a near miss.
        if (question === queryQuestion) candidates.push({ id, similarity });
      } else if (similarity > best) best = similarity;
    }
    candidates.sort((a, b) => b.similarity - a.similarity);
    for (const { id, similarity } of candidates) {
      if (similarity < settings.threshold) return { result: { kind: 'near_miss', similarity }, similarity };
      const entry = await fetchEntry(snap, id);
      if (entry) {
        return {
          result: { kind: 'hit', answer: entry.answer, similarity, matchedPrompt: entry.prompt },
          similarity,
        };
      }
      snap.vectors.delete(id); // evicted or expired since the last sync
    }
    return { result: { kind: 'miss' }, similarity: best };
  }

  return {
    async lookup(scope, prompt) {
      checkScope(scope);
      const text = normalizePrompt(prompt);
      if (text === '') {
        report({ kind: 'miss', similarity: 0 });
        return { kind: 'miss' };
      }
      const [query, snap] = await Promise.all([embedShared(text), fresh(scopeHash(scope))]);
      const { result, similarity } = await classify(snap, query, questionOf(text));
      report({ kind: result.kind, similarity });
      return result;
    },

    async store(scope, prompt, answer) {
      checkScope(scope);
      const text = normalizePrompt(prompt);
      if (text === '') return;
      const vector = await embedShared(text);
      const hash = scopeHash(scope);
      const keys = semanticScopeKeys(options.keyPrefix, hash);
      const id = entryId(text);
      const entry: StoredEntry = { prompt, answer, vector: vectorToBase64(vector), createdAt: Date.now() };
      await redis.eval(
        STORE_SCRIPT,
        3,
        keys.entries,
        keys.order,
        keys.version,
        id,
        JSON.stringify(entry),
        ttlMs,
        String(settings.maxEntriesPerScope),
        randomBytes(8).toString('hex'),
      );
      // This process sees its own entry at once; other pods at their next sync.
      snapshots.get(hash)?.vectors.set(id, { vector, question: questionOf(text) });
    },
  };
}

/**
 * What a query and a stored prompt must have in common, beyond their similarity, for a hit: the
 * same numbers and the same content words in the same order. Embeddings score a question with a
 * word added, dropped or swapped as high as a paraphrase, so these guards, not the threshold,
 * keep other questions out; the threshold then only judges wordings of the same words.
 */
function questionOf(normalizedPrompt: string): string {
  return `${numbersOf(normalizedPrompt)}\n${contentWordsOf(normalizedPrompt)}`;
}

function parseEntry(json: string): StoredEntry | undefined {
  try {
    const value = JSON.parse(json) as Partial<StoredEntry>;
    if (
      typeof value.prompt !== 'string' ||
      typeof value.answer !== 'string' ||
      typeof value.vector !== 'string'
    )
      return undefined;
    return {
      prompt: value.prompt,
      answer: value.answer,
      vector: value.vector,
      createdAt: Number(value.createdAt),
    };
  } catch {
    return undefined;
  }
}
