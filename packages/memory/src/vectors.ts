import { endianness } from 'node:os';

/**
 * Vectors are kept L2-normalised, so cosine similarity is a plain dot product, and stored in
 * Redis as little-endian float32 bytes: 4 bytes per dimension, a quarter of their JSON size.
 */

/** A unit-length float32 copy of `vector`, or undefined when it is empty, all zeros or not finite. */
export function toUnitVector(vector: readonly number[]): Float32Array | undefined {
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
  // Four independent sums break the single dependency chain; V8 runs the scan faster that way.
  const n = a.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += (a[i] as number) * (b[i] as number);
    s1 += (a[i + 1] as number) * (b[i + 1] as number);
    s2 += (a[i + 2] as number) * (b[i + 2] as number);
    s3 += (a[i + 3] as number) * (b[i + 3] as number);
  }
  for (; i < n; i++) s0 += (a[i] as number) * (b[i] as number);
  return s0 + s1 + s2 + s3;
}

export function vectorToBuffer(vector: Float32Array): Buffer {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] ?? 0, i * 4);
  return bytes;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** The vector stored in `bytes`. */
export function vectorFromBuffer(bytes: Buffer): Float32Array {
  const vector = new Float32Array(Math.floor(bytes.length / 4));
  if (LITTLE_ENDIAN) {
    // One copy of the bytes (ioredis' buffers may be unaligned slices, which a Float32Array
    // cannot view): ten times faster than reading the floats one by one, and recall does this
    // for every vector of the conversation.
    new Uint8Array(vector.buffer).set(bytes.subarray(0, vector.length * 4));
    return vector;
  }
  for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4);
  return vector;
}
