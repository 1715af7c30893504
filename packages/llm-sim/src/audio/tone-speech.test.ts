import { hearToneSpeech, synthesizeSpeech } from './tone-speech';
import { decodeWav } from './wav';

/** Rewrites a mono 16-bit WAV at another rate and layout, the way a recording app would. */
function reencode(
  wav: Buffer,
  rate: number,
  channels: number,
  format: 'int16' | 'float32',
  noise = 0,
): Buffer {
  const source = decodeWav(wav);
  const frames = Math.floor((source.samples.length * rate) / source.sampleRate);
  const bytes = format === 'int16' ? 2 : 4;
  const data = Buffer.alloc(frames * channels * bytes);
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  for (let i = 0; i < frames; i++) {
    // Linear interpolation between the source samples.
    const at = (i * source.sampleRate) / rate;
    const j = Math.floor(at);
    const value =
      (source.samples[j] ?? 0) * (1 - (at - j)) + (source.samples[j + 1] ?? 0) * (at - j) + noise * random();
    for (let c = 0; c < channels; c++) {
      const o = (i * channels + c) * bytes;
      if (format === 'int16')
        data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(value * 32767))), o);
      else data.writeFloatLE(value, o);
    }
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(format === 'int16' ? 1 : 3, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * channels * bytes, 28);
  header.writeUInt16LE(channels * bytes, 32);
  header.writeUInt16LE(bytes * 8, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

describe('tone speech', () => {
  it('says a text in a WAV file and hears it back from the samples', () => {
    const text = 'Quel temps fait-il à Paris ? 🌦️';
    const wav = synthesizeSpeech(text);
    const decoded = decodeWav(wav);
    expect(decoded).toMatchObject({ sampleRate: 16_000, channels: 1 });
    // 4 + 2 + text + 1 bytes, two 20 ms tones each.
    expect(decoded.durationSeconds).toBeCloseTo((7 + Buffer.byteLength(text)) * 0.04, 6);
    expect(hearToneSpeech(wav)).toBe(text);
  });

  it('survives resampling, stereo, float samples and noise', () => {
    const wav = synthesizeSpeech('turn on the lights');
    expect(hearToneSpeech(reencode(wav, 44_100, 2, 'float32'))).toBe('turn on the lights');
    expect(hearToneSpeech(reencode(wav, 48_000, 1, 'int16', 0.3))).toBe('turn on the lights');
  });

  it('hears nothing in audio without tone speech, or damaged', () => {
    const silence = reencode(synthesizeSpeech('x'), 16_000, 1, 'int16');
    silence.fill(0, 44);
    expect(hearToneSpeech(silence)).toBeUndefined();
    const wav = synthesizeSpeech('hello');
    // Too low a sample rate for its tones.
    expect(hearToneSpeech(reencode(wav, 8_000, 1, 'int16'))).toBeUndefined();
    // One symbol changed: the checksum catches it.
    const damaged = Buffer.from(wav);
    damaged.fill(0, 44 + 320 * 2 * 14, 44 + 320 * 2 * 15);
    expect(hearToneSpeech(damaged)).toBeUndefined();
    // Cut short.
    expect(hearToneSpeech(wav.subarray(0, wav.length - 2000))).toBeUndefined();
  });
});
