import { jpegHeader, oggOpus, solidPng } from '../__tests__/media-fixtures';
import { audioDurationSeconds, imageInfo, sniffMimeType } from './sniff';
import { synthesizeToneSpeech, TONE_SPEECH_SAMPLE_RATE } from './tone-speech';

describe('sniffing files', () => {
  it('reads the size of PNG, JPEG, GIF and WebP images from their headers', () => {
    expect(imageInfo(solidPng(64, 48, [255, 0, 0]))).toEqual({
      mimeType: 'image/png',
      width: 64,
      height: 48,
    });
    expect(imageInfo(jpegHeader(1280, 720))).toEqual({ mimeType: 'image/jpeg', width: 1280, height: 720 });

    const gif = Buffer.from('GIF89a\x20\x03\x58\x02', 'latin1');
    expect(imageInfo(gif)).toEqual({ mimeType: 'image/gif', width: 800, height: 600 });

    const webp = Buffer.alloc(30);
    webp.write('RIFF', 0, 'ascii');
    webp.write('WEBPVP8X', 8, 'ascii');
    webp.writeUIntLE(399, 24, 3);
    webp.writeUIntLE(299, 27, 3);
    expect(imageInfo(webp)).toEqual({ mimeType: 'image/webp', width: 400, height: 300 });

    expect(imageInfo(Buffer.from('not an image at all'))).toBeUndefined();
    expect(imageInfo(Buffer.from([0xff, 0xd8, 0xff]))).toBeUndefined();
  });

  it('names audio formats by their magic bytes', () => {
    expect(sniffMimeType(oggOpus(1))).toBe('audio/ogg');
    expect(sniffMimeType(synthesizeToneSpeech('hi'))).toBe('audio/wav');
    expect(sniffMimeType(Buffer.from('ID3\x04\x00', 'latin1'))).toBe('audio/mpeg');
    expect(sniffMimeType(Buffer.from('\x00\x00\x00\x20ftypM4A ', 'latin1'))).toBe('audio/mp4');
    expect(sniffMimeType(Buffer.from('%PDF-1.7'))).toBe('application/pdf');
    expect(sniffMimeType(Buffer.from('plain text'))).toBeUndefined();
  });

  it('reads durations from WAV and Ogg Opus headers', () => {
    expect(audioDurationSeconds(oggOpus(7.5))).toBeCloseTo(7.5, 5);
    // "hello": 4 magic + 2 length + 5 text + 1 checksum bytes, two 20 ms tones each.
    const wav = synthesizeToneSpeech('hello');
    expect(wav.length).toBe(44 + 12 * 2 * 0.02 * TONE_SPEECH_SAMPLE_RATE * 2);
    expect(audioDurationSeconds(wav)).toBeCloseTo(0.48, 5);
    expect(audioDurationSeconds(Buffer.from('RIFF....WAVE', 'latin1'))).toBeUndefined();
    expect(audioDurationSeconds(solidPng(1, 1, [0, 0, 0]))).toBeUndefined();
  });
});
