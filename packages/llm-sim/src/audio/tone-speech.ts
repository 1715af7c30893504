import { type DecodedWav, decodeWav } from './wav';

/**
 * Tone speech: the simulator's stand-in for speech recognition. The simulator cannot understand
 * real speech, so voice notes made for tests carry their words in the audio itself, as tones a
 * decoder reads back from the samples; the transcript is therefore real (a damaged recording
 * gives no transcript), and deterministic. The Telegram emulator's users speak the same scheme
 * (packages/tg-emulator/src/media/tone-speech.ts); change both together.
 *
 * Scheme v1: every 4 bits are one 20 ms tone of 1000 + 200·k Hz (k = 0..15), written as 16 kHz
 * mono 16-bit PCM WAV. Bytes go high nibble first: "PTS1", the UTF-8 length as 16 bits, the UTF-8
 * text, then a CRC-8 (polynomial 0x07) of everything before it. The decoder accepts any sample
 * rate above 8 kHz and any channel count, and picks each symbol's tone with the Goertzel
 * algorithm, so amplitude changes and some noise do not matter.
 */

export const TONE_SPEECH_SAMPLE_RATE = 16_000;
const SYMBOL_SECONDS = 0.02;
const BASE_HZ = 1000;
const STEP_HZ = 200;
const MAGIC = 'PTS1';
/** Longest text one voice note carries. */
export const TONE_SPEECH_MAX_BYTES = 4096;

export function crc8(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/**
 * A WAV voice note that the simulator transcribes as `text`: the project's test helper for the
 * transcription path (the Telegram emulator's users speak the same way).
 */
export function synthesizeSpeech(text: string): Buffer {
  const utf8 = Buffer.from(text, 'utf8');
  if (utf8.length === 0 || utf8.length > TONE_SPEECH_MAX_BYTES)
    throw new RangeError(`text must be 1..${TONE_SPEECH_MAX_BYTES} bytes of UTF-8`);
  const body = Buffer.concat([
    Buffer.from(MAGIC, 'ascii'),
    Buffer.from([utf8.length >> 8, utf8.length & 0xff]),
    utf8,
  ]);
  const frame = Buffer.concat([body, Buffer.from([crc8(body)])]);
  const perSymbol = Math.round(TONE_SPEECH_SAMPLE_RATE * SYMBOL_SECONDS);
  const pcm = Buffer.alloc(frame.length * 2 * perSymbol * 2);
  let at = 0;
  for (const byte of frame) {
    for (const nibble of [byte >> 4, byte & 0x0f]) {
      const hz = BASE_HZ + STEP_HZ * nibble;
      for (let i = 0; i < perSymbol; i++) {
        const edge = Math.min(1, i / 16, (perSymbol - 1 - i) / 16);
        const value = 0.5 * 32767 * edge * Math.sin((2 * Math.PI * hz * i) / TONE_SPEECH_SAMPLE_RATE);
        at = pcm.writeInt16LE(Math.round(value), at);
      }
    }
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(TONE_SPEECH_SAMPLE_RATE, 24);
  header.writeUInt32LE(TONE_SPEECH_SAMPLE_RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

/** The text a WAV file says in tone speech, or undefined when it carries none (or is damaged). */
export function hearToneSpeech(wav: Uint8Array | DecodedWav): string | undefined {
  const audio = wav instanceof Uint8Array ? decodeWav(wav) : wav;
  // The highest tone (4 kHz) must be below the Nyquist frequency.
  if (audio.sampleRate <= 2 * (BASE_HZ + 15 * STEP_HZ)) return undefined;
  const perSymbol = audio.sampleRate * SYMBOL_SECONDS;
  const symbols = Math.floor(audio.samples.length / perSymbol);
  const byteAt = (index: number): number | undefined => {
    if (index * 2 + 1 >= symbols) return undefined;
    return (nibbleAt(audio, index * 2, perSymbol) << 4) | nibbleAt(audio, index * 2 + 1, perSymbol);
  };
  const head: number[] = [];
  for (let i = 0; i < 6; i++) {
    const byte = byteAt(i);
    if (byte === undefined) return undefined;
    head.push(byte);
  }
  if (Buffer.from(head.slice(0, 4)).toString('ascii') !== MAGIC) return undefined;
  const length = ((head[4] ?? 0) << 8) | (head[5] ?? 0);
  if (length === 0 || length > TONE_SPEECH_MAX_BYTES) return undefined;
  const frame = [...head];
  for (let i = 6; i < 6 + length + 1; i++) {
    const byte = byteAt(i);
    if (byte === undefined) return undefined;
    frame.push(byte);
  }
  const checksum = frame.pop();
  if (checksum !== crc8(Uint8Array.from(frame))) return undefined;
  return Buffer.from(frame.slice(6)).toString('utf8');
}

/** The strongest of the 16 tones in one symbol window (Goertzel filter per tone). */
function nibbleAt(audio: DecodedWav, symbol: number, perSymbol: number): number {
  const start = Math.round(symbol * perSymbol);
  const end = Math.round((symbol + 1) * perSymbol);
  let best = 0;
  let bestPower = -1;
  for (let k = 0; k < 16; k++) {
    const coefficient = 2 * Math.cos((2 * Math.PI * (BASE_HZ + STEP_HZ * k)) / audio.sampleRate);
    let s1 = 0;
    let s2 = 0;
    for (let i = start; i < end; i++) {
      const s0 = (audio.samples[i] ?? 0) + coefficient * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
    if (power > bestPower) {
      bestPower = power;
      best = k;
    }
  }
  return best;
}
