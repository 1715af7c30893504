/**
 * Reads PCM WAV files (8/16/24/32-bit integer, 32/64-bit float, any channel count, including
 * WAVE_FORMAT_EXTENSIBLE) into mono samples in -1..1, the first thing a speech recogniser does.
 */

export interface DecodedWav {
  sampleRate: number;
  channels: number;
  /** Mono: the channels averaged. */
  samples: Float32Array;
  durationSeconds: number;
}

export class WavError extends Error {}

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/** Whether the bytes start like a RIFF/WAVE file. */
export function isWav(data: Uint8Array): boolean {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return b.length >= 12 && b.toString('ascii', 0, 4) === 'RIFF' && b.toString('ascii', 8, 12) === 'WAVE';
}

/** Decodes a WAV file; throws WavError when it is not one the simulator can read. */
export function decodeWav(data: Uint8Array): DecodedWav {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (!isWav(b)) throw new WavError('not a RIFF/WAVE file');
  let format = 0;
  let channels = 0;
  let sampleRate = 0;
  let bits = 0;
  let body: Buffer | undefined;
  let at = 12;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    const start = at + 8;
    if (id === 'fmt ' && start + 16 <= b.length) {
      format = b.readUInt16LE(start);
      channels = b.readUInt16LE(start + 2);
      sampleRate = b.readUInt32LE(start + 4);
      bits = b.readUInt16LE(start + 14);
      // WAVE_FORMAT_EXTENSIBLE names the real format in the first two bytes of its sub-format GUID.
      if (format === EXTENSIBLE && size >= 40) format = b.readUInt16LE(start + 24);
    } else if (id === 'data') {
      // Streamed WAVs may declare 0 or 0xFFFFFFFF: take what is there.
      body = b.subarray(start, Math.min(b.length, start + (size === 0 ? b.length : size)));
      break;
    }
    at = start + size + (size % 2);
  }
  if (format !== PCM && format !== FLOAT) throw new WavError(`unsupported WAV format ${format}`);
  if (channels < 1 || sampleRate < 1) throw new WavError('bad fmt chunk');
  if (!body) throw new WavError('no data chunk');
  const bytes = bits / 8;
  if (!(format === PCM ? [1, 2, 3, 4] : [4, 8]).includes(bytes))
    throw new WavError(`unsupported ${bits}-bit samples`);

  const frames = Math.floor(body.length / (bytes * channels));
  const samples = new Float32Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    for (let channel = 0; channel < channels; channel++) {
      sum += readSample(body, (frame * channels + channel) * bytes, bytes, format === FLOAT);
    }
    samples[frame] = sum / channels;
  }
  return { sampleRate, channels, samples, durationSeconds: frames / sampleRate };
}

function readSample(body: Buffer, at: number, bytes: number, float: boolean): number {
  if (float) return bytes === 4 ? body.readFloatLE(at) : body.readDoubleLE(at);
  switch (bytes) {
    case 1:
      return ((body[at] ?? 128) - 128) / 128; // 8-bit WAV is unsigned
    case 2:
      return body.readInt16LE(at) / 32768;
    case 3:
      return body.readIntLE(at, 3) / 8_388_608;
    default:
      return body.readInt32LE(at) / 2_147_483_648;
  }
}

/** Seconds of an Ogg Opus or Vorbis stream, from its last page's granule position. */
export function oggDurationSeconds(data: Uint8Array): number | undefined {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (b.length < 28 || b.toString('ascii', 0, 4) !== 'OggS') return undefined;
  const head = 27 + (b[26] ?? 0);
  let rate: number;
  let preSkip = 0;
  if (b.toString('ascii', head, head + 8) === 'OpusHead' && head + 12 <= b.length) {
    rate = 48_000;
    preSkip = b.readUInt16LE(head + 10);
  } else if (b[head] === 1 && b.toString('ascii', head + 1, head + 7) === 'vorbis' && head + 16 <= b.length) {
    rate = b.readUInt32LE(head + 12);
  } else {
    return undefined;
  }
  const last = b.lastIndexOf('OggS');
  if (last + 14 > b.length || rate <= 0) return undefined;
  const granule = b.readUInt32LE(last + 6) + b.readUInt32LE(last + 10) * 0x1_0000_0000;
  return Math.max(0, granule - preSkip) / rate;
}
