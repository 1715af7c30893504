/**
 * Deterministic text embeddings by feature hashing: lowercase word unigrams and bigrams are each
 * spread over a few hash-chosen buckets of `dim` with hash-derived signs (a sparse random
 * projection), then the vector is L2-normalised. Texts sharing words get a high cosine
 * similarity, identical texts get identical vectors, and no model is needed.
 */

/** Default vector length. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 256;

/** Bigrams weigh less than words so that word overlap dominates similarity. */
const BIGRAM_WEIGHT = 0.5;

/**
 * Buckets per feature. With one bucket, two different words share it (and then look identical)
 * with probability 1/dim: among a few thousand words that happens often enough to make unrelated
 * questions near-duplicates ("why does inflation matter" scored 0.94 against the same question
 * about houseplants, where the shared words alone give 0.81). Spread over 8 buckets, two words
 * overlap by chance by about ±1/8 at most, as distinct words do in a real model's space.
 */
const BUCKETS_PER_FEATURE = 8;

const WORD = /[\p{L}\p{N}]+/gu;

/** 32-bit FNV-1a over UTF-16 code units: fast, stable across runs and platforms. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A 32-bit finaliser (lowbias32): every input bit affects every output bit. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

function addFeature(vector: Float64Array, feature: string, weight: number): void {
  // A one-dimensional vector has room for one bucket only (more would cancel out).
  const buckets = Math.min(BUCKETS_PER_FEATURE, vector.length);
  const share = weight / Math.sqrt(buckets);
  let hash = fnv1a(feature);
  for (let k = 0; k < buckets; k++) {
    if (k > 0) hash = mix32(hash + 0x9e3779b9);
    // The low bits choose the bucket; the top bit chooses the sign so collisions tend to cancel.
    const bucket = hash % vector.length;
    const sign = hash & 0x80000000 ? -1 : 1;
    vector[bucket] = (vector[bucket] ?? 0) + sign * share;
  }
}

/**
 * The embedding of `text`: a unit-length vector of `dim` numbers (all zeros for text with
 * nothing to hash).
 */
export function embedText(text: string, dim: number = DEFAULT_EMBEDDING_DIMENSIONS): number[] {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
  const vector = new Float64Array(dim);
  const words = text.toLowerCase().match(WORD) ?? [];
  if (words.length === 0) {
    // Punctuation-only text still deserves a stable, non-zero vector.
    const trimmed = text.trim();
    if (trimmed !== '') addFeature(vector, `raw:${trimmed}`, 1);
  }
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    addFeature(vector, `w:${word}`, 1);
    const next = words[i + 1];
    if (next !== undefined) addFeature(vector, `b:${word} ${next}`, BIGRAM_WEIGHT);
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  return Array.from(vector, (value) => (norm === 0 ? 0 : value / norm));
}

/** Cosine similarity of two equally long vectors (0 when either is all zeros). */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`length mismatch: ${a.length} vs ${b.length}`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/** Little-endian float32 bytes in base64, the `encoding_format: 'base64'` wire format. */
export function embeddingToBase64(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] ?? 0, i * 4);
  return bytes.toString('base64');
}
