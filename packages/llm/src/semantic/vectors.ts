/**
 * Vectors are kept L2-normalised as Float32Array, so cosine similarity is a plain dot product.
 * In Redis they are stored as little-endian float32 bytes in base64 (the OpenAI wire format).
 */

/** Returns a unit-length float32 copy of `vector`, or undefined when it is empty or all zeros. */
export function toUnitVector(vector: readonly number[] | Float32Array): Float32Array | undefined {
  let norm = 0;
  for (const value of vector) {
    if (!Number.isFinite(value)) return undefined;
    norm += value * value;
  }
  if (vector.length === 0 || norm === 0) return undefined;
  norm = Math.sqrt(norm);
  const unit = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) unit[i] = (vector[i] ?? 0) / norm;
  return unit;
}

/** Dot product of two equally long vectors; for unit vectors, their cosine similarity. */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

export function vectorToBase64(vector: Float32Array): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] ?? 0, i * 4);
  return bytes.toString('base64');
}

export function vectorFromBase64(encoded: string): Float32Array {
  const bytes = Buffer.from(encoded, 'base64');
  const vector = new Float32Array(Math.floor(bytes.length / 4));
  for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4);
  return vector;
}
