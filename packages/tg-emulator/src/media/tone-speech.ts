/**
 * "Tone speech": how an emulated user says something in a voice note. There is no speech
 * synthesis here (nor speech recognition in the LLM simulator), so the words are carried by the
 * audio itself, as tones that a decoder can read back from the samples. The LLM simulator's
 * `/v1/audio/transcriptions` decodes exactly this scheme (packages/llm-sim/src/audio/tone-speech.ts);
 * the two must change together, and packages/media's tests run one into the other.
 *
 * Scheme v1: 16 kHz mono 16-bit PCM WAV. Every 4 bits are one 20 ms tone of 1000 + 200·k Hz
 * (k = 0..15: an integer number of cycles per symbol, so the tones do not leak into each other).
 * Bytes go high nibble first: "PTS1", the UTF-8 length as 16 bits, the UTF-8 text, then a CRC-8
 * of all of it. A sentence takes about a second, like speech.
 */

export const TONE_SPEECH_SAMPLE_RATE = 16_000;
export const TONE_SPEECH_SYMBOL_SECONDS = 0.02;
export const TONE_SPEECH_MAGIC = 'PTS1';
/** Longest text a voice note carries (about 3 minutes of audio). */
export const TONE_SPEECH_MAX_BYTES = 4096;

const BASE_HZ = 1000;
const STEP_HZ = 200;
const AMPLITUDE = 0.5 * 32767;
/** Samples of fade at each symbol's edges, so that tone changes do not click. */
const FADE = 16;

/** CRC-8 (polynomial 0x07), over the frame up to the checksum. */
export function crc8(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/** A WAV file whose audio says `text` in tone speech. */
export function synthesizeToneSpeech(text: string): Buffer {
  const utf8 = Buffer.from(text, 'utf8');
  if (utf8.length === 0) throw new Error('tg-emulator: there is nothing to say');
  if (utf8.length > TONE_SPEECH_MAX_BYTES)
    throw new Error(`tg-emulator: a voice note says at most ${TONE_SPEECH_MAX_BYTES} bytes of text`);
  const body = Buffer.concat([
    Buffer.from(TONE_SPEECH_MAGIC, 'ascii'),
    Buffer.from([utf8.length >> 8, utf8.length & 0xff]),
    utf8,
  ]);
  const frame = Buffer.concat([body, Buffer.from([crc8(body)])]);

  const perSymbol = Math.round(TONE_SPEECH_SAMPLE_RATE * TONE_SPEECH_SYMBOL_SECONDS);
  // WAV samples are little-endian whatever the host is.
  const pcm = Buffer.alloc(frame.length * 2 * perSymbol * 2);
  let at = 0;
  for (const byte of frame) {
    for (const nibble of [byte >> 4, byte & 0x0f]) {
      const hz = BASE_HZ + STEP_HZ * nibble;
      for (let i = 0; i < perSymbol; i++) {
        const edge = Math.min(1, i / FADE, (perSymbol - 1 - i) / FADE);
        const value = AMPLITUDE * edge * Math.sin((2 * Math.PI * hz * i) / TONE_SPEECH_SAMPLE_RATE);
        at = pcm.writeInt16LE(Math.round(value), at);
      }
    }
  }
  return wavFile(pcm, TONE_SPEECH_SAMPLE_RATE);
}

/** A canonical 44-byte-header PCM WAV of mono 16-bit little-endian samples. */
function wavFile(data: Buffer, rate: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
