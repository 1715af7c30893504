import { encodePng } from '@parley/llm-sim';
import { MediaError } from './errors';
import { toImagePart } from './image-part';
import { modelSeesImages } from './vision-models';

describe('toImagePart', () => {
  it('makes a data URL with the MIME type read from the bytes', () => {
    const png = encodePng(3, 3, () => [1, 2, 3]);
    expect(toImagePart(png)).toEqual({
      type: 'image_url',
      image_url: { url: `data:image/png;base64,${png.toString('base64')}` },
    });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
    expect(toImagePart(jpeg, { detail: 'low' }).image_url).toEqual({
      url: `data:image/jpeg;base64,${jpeg.toString('base64')}`,
      detail: 'low',
    });
  });

  it('refuses what a vision model cannot take', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof MediaError ? err.code : String(err);
      }
      return 'no error';
    };
    expect(code(() => toImagePart(Buffer.from('%PDF-1.7')))).toBe('unsupported_type');
    expect(code(() => toImagePart(Buffer.from('OggS....')))).toBe('unsupported_type');
    expect(
      code(() =>
        toImagePart(
          encodePng(40, 40, () => [0, 0, 0]),
          { maxBytes: 50 },
        ),
      ),
    ).toBe('too_big');
  });
});

describe('modelSeesImages', () => {
  it('matches names and * patterns exactly', () => {
    const list = ['gpt-4o*', 'gpt-4.1-mini', '*vision*'];
    expect(modelSeesImages('gpt-4o-mini', list)).toBe(true);
    expect(modelSeesImages('gpt-4.1-mini', list)).toBe(true);
    expect(modelSeesImages('llama-3.2-11b-vision-instruct', list)).toBe(true);
    expect(modelSeesImages('gpt-4.1-mini-2025', list)).toBe(false);
    expect(modelSeesImages('gpt-3.5-turbo', list)).toBe(false);
    expect(modelSeesImages('GPT-4O', list)).toBe(false);
    expect(modelSeesImages('gpt-4o', [])).toBe(false);
    expect(modelSeesImages('gpt-4o', [' '])).toBe(false);
  });
});
