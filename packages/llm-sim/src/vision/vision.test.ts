import OpenAI from 'openai';
import type { ChatCompletionContentPart } from 'openai/resources/chat/completions';
import { clientFor, INSTANT, MODEL, simHarness } from '../__tests__/helpers';
import { encodePng, pngDataUrl } from './png-encode';
import { modelSeesImages } from './vision-gate';

const harness = simHarness();

const ask = (text: string, ...urls: string[]): ChatCompletionContentPart[] => [
  { type: 'text', text },
  ...urls.map((url) => ({ type: 'image_url' as const, image_url: { url } })),
];

/** The headers of a baseline colour JPEG: the simulator reads nothing more of a JPEG. */
function jpegDataUrl(width: number, height: number): string {
  const sof = [
    0xff,
    0xc0,
    0,
    17,
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ];
  return `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, ...sof, 0xff, 0xd9]).toString('base64')}`;
}

describe('image input in chat completions', () => {
  it('answers about the image content, derived from the pixels', async () => {
    const sim = await harness.start(INSTANT);
    const red = encodePng(64, 48, () => [220, 30, 30]);
    const completion = await clientFor(sim).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: ask('what is in this picture?', pngDataUrl(red)) }],
    });
    expect(completion.choices[0]?.message.content).toBe(
      'You said: "what is in this picture?" and sent 1 image: a 64×48 PNG image whose main colour is red (#dc1e1e, 100% of the pixels). (turn 1)',
    );
    // 85 tokens per image, as OpenAI charges a low-detail image.
    expect(completion.usage?.prompt_tokens).toBe(Math.ceil('what is in this picture?'.length / 4) + 85 + 3);
  });

  it('describes several images, JPEGs, image-only messages and URLs it does not fetch', async () => {
    const sim = await harness.start(INSTANT);
    const half = encodePng(10, 10, (_x, y) => (y < 7 ? [30, 160, 60] : [0, 0, 0]));
    const stream = await clientFor(sim).chat.completions.create({
      model: MODEL,
      stream: true,
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: jpegDataUrl(1280, 720) } }] },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: ask('and these?', pngDataUrl(half), 'https://example.com/cat.jpg') },
      ],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(
      'You said: "and these?" and sent 2 images: 1) a 10×10 PNG image whose main colour is green (#1ea03c, 70% of the pixels); 2) an image at example.com (the simulator does not fetch image URLs). (turn 2)',
    );

    const jpeg = await clientFor(sim).chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: jpegDataUrl(1280, 720) } }] },
      ],
    });
    expect(jpeg.choices[0]?.message.content).toBe(
      'You sent 1 image: a 1280×720 JPEG image (colour). (turn 1)',
    );
  });

  it('answers 400 like OpenAI when the model cannot see images', async () => {
    const sim = await harness.start({
      ...INSTANT,
      models: ['vision-1', 'text-1'],
      visionModels: ['vision-*'],
    });
    const client = clientFor(sim);
    const image = pngDataUrl(encodePng(2, 2, () => [0, 0, 0]));
    const refused = client.chat.completions.create({
      model: 'text-1',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: ask('look', image) },
      ],
    });
    await expect(refused).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(refused).rejects.toMatchObject({
      status: 400,
      error: {
        message: 'Invalid content type. image_url is only supported by certain models.',
        type: 'invalid_request_error',
        param: 'messages.[1].content.[1].type',
        code: null,
      },
    });
    // Text still works on that model, and images on the vision model.
    await expect(
      client.chat.completions.create({ model: 'text-1', messages: [{ role: 'user', content: 'hi' }] }),
    ).resolves.toBeDefined();
    const seen = await client.chat.completions.create({
      model: 'vision-1',
      messages: [{ role: 'user', content: ask('look', image) }],
    });
    expect(seen.choices[0]?.message.content).toContain('a 2×2 PNG image whose main colour is black');
    expect(sim.stats().byPath.chat).toMatchObject({ requests: 3, completed: 2, errors: 1 });
  });

  it('refuses images that are not valid PNG, JPEG, GIF or WebP files', async () => {
    const sim = await harness.start(INSTANT);
    const client = clientFor(sim);
    const send = (url: string) =>
      client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: ask('?', url) }] });
    const png = encodePng(8, 8, () => [1, 2, 3]);
    for (const url of [
      'data:image/png;base64,iVBORw0KGgo=', // the signature only
      pngDataUrl(png.subarray(0, png.length - 30)), // pixels cut off
      `data:image/png;base64,${Buffer.from('%PDF-1.7').toString('base64')}`,
    ]) {
      await expect(send(url)).rejects.toMatchObject({ status: 400, error: { code: 'invalid_image_format' } });
    }
    await expect(send('data:image/png;base64,@@@')).rejects.toMatchObject({
      status: 400,
      error: { code: 'invalid_value', param: 'messages.[0].content.[1].image_url.url' },
    });
    await expect(send('ftp://example.com/x.png')).rejects.toMatchObject({ status: 400 });
    // An unknown model is still a 404, whatever the content.
    await expect(
      client.chat.completions.create({
        model: 'nope',
        messages: [{ role: 'user', content: ask('?', 'data:,x') }],
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('matches vision models by name or * pattern', () => {
    expect(modelSeesImages('gpt-4o-mini', undefined)).toBe(true);
    expect(modelSeesImages('gpt-4o-mini', ['gpt-4o*', 'llava'])).toBe(true);
    expect(modelSeesImages('llava', ['gpt-4o*', 'llava'])).toBe(true);
    expect(modelSeesImages('llava-13b', ['gpt-4o*', 'llava'])).toBe(false);
    expect(modelSeesImages('gpt-3.5-turbo', ['gpt-4o*', '*vision*'])).toBe(false);
    expect(modelSeesImages('my.vision.model', ['*vision*'])).toBe(true);
    expect(modelSeesImages('gpt-4o', [])).toBe(false);
  });
});
