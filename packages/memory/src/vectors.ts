import { endianness } from 'node:os';

/**
 * Vectors are kept L2-normalised, so cosine similarity is a plain dot product, and stored in
 * Redis as little-endian float32 bytes: 4 bytes per dimension, a quarter of their JSON size.
 */

// Normalising and the dot product are the semantic cache's (@parley/llm); only the storage
// format (raw little-endian bytes rather than base64) is this package's own.
export { toUnitVector, unitVectorDot as dot } from '@parley/llm';

/** The vector as little-endian float32 bytes, as stored in Redis. */
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
