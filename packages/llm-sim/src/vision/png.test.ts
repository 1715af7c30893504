import { deflateSync } from 'node:zlib';
import { colourName, mainColour } from './colours';
import { readImageHeader } from './image-header';
import { decodePng, PngDecodeError } from './png';
import { encodePng } from './png-encode';

/** A PNG from raw, unfiltered rows: each row gets filter `y % 5`, so every filter is exercised. */
function pngFrom(opts: {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  rows: number[][];
  bpp: number;
  palette?: number[];
  alphas?: number[];
  interlace?: number;
}): Buffer {
  const filtered: number[] = [];
  opts.rows.forEach((row, y) => {
    const filter = y % 5;
    const prev = opts.rows[y - 1] ?? row.map(() => 0);
    filtered.push(filter);
    row.forEach((x, i) => {
      const a = i >= opts.bpp ? (row[i - opts.bpp] ?? 0) : 0;
      const b = y > 0 ? (prev[i] ?? 0) : 0;
      const c = i >= opts.bpp && y > 0 ? (prev[i - opts.bpp] ?? 0) : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter] ?? 0;
      filtered.push((x - predictor) & 0xff);
    });
  });
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    return Buffer.concat([head, data, Buffer.alloc(4)]); // the decoder does not check CRCs
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(opts.width, 0);
  ihdr.writeUInt32BE(opts.height, 4);
  ihdr.set([opts.depth, opts.colorType, 0, 0, opts.interlace ?? 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(opts.palette ? [chunk('PLTE', Buffer.from(opts.palette))] : []),
    ...(opts.alphas ? [chunk('tRNS', Buffer.from(opts.alphas))] : []),
    chunk('IDAT', deflateSync(Buffer.from(filtered))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const pixel = (image: ReturnType<typeof decodePng>, x: number, y: number) => {
  const o = (y * (image?.width ?? 0) + x) * 4;
  return [...(image?.pixels.subarray(o, o + 4) ?? [])];
};

describe('PNG decoding', () => {
  it('undoes all five row filters of an 8-bit RGB image', () => {
    const width = 7;
    const height = 10;
    const colour = (x: number, y: number) => [
      (x * 37 + y * 11) & 0xff,
      (x * y * 13) & 0xff,
      (255 - x * 20) & 0xff,
    ];
    const rows = Array.from({ length: height }, (_, y) =>
      Array.from({ length: width }, (_, x) => colour(x, y)).flat(),
    );
    const image = decodePng(pngFrom({ width, height, depth: 8, colorType: 2, rows, bpp: 3 }));
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) expect(pixel(image, x, y)).toEqual([...colour(x, y), 255]);
  });

  it('reads palettes with transparency, packed greyscale, 16-bit RGBA and grey with alpha', () => {
    // 2-bit palette: indexes 0..3 packed four per byte; index 1 is half transparent.
    const palette = decodePng(
      pngFrom({
        width: 4,
        height: 1,
        depth: 2,
        colorType: 3,
        rows: [[0b00011011]],
        bpp: 1,
        palette: [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9],
        alphas: [255, 128],
      }),
    );
    expect([0, 1, 2, 3].map((x) => pixel(palette, x, 0))).toEqual([
      [255, 0, 0, 255],
      [0, 255, 0, 128],
      [0, 0, 255, 255],
      [9, 9, 9, 255],
    ]);

    const grey1 = decodePng(
      pngFrom({ width: 3, height: 1, depth: 1, colorType: 0, rows: [[0b10100000]], bpp: 1 }),
    );
    expect([0, 1, 2].map((x) => pixel(grey1, x, 0)[0])).toEqual([255, 0, 255]);

    const rgba16 = decodePng(
      pngFrom({
        width: 1,
        height: 2,
        depth: 16,
        colorType: 6,
        rows: [
          [0x12, 0x34, 0xab, 0xcd, 0, 0, 0xff, 0xff],
          [1, 0, 2, 0, 3, 0, 4, 0],
        ],
        bpp: 8,
      }),
    );
    expect(pixel(rgba16, 0, 0)).toEqual([0x12, 0xab, 0, 0xff]);
    expect(pixel(rgba16, 0, 1)).toEqual([1, 2, 3, 4]);

    const greyAlpha = decodePng(
      pngFrom({ width: 2, height: 1, depth: 8, colorType: 4, rows: [[200, 255, 50, 0]], bpp: 2 }),
    );
    expect([pixel(greyAlpha, 0, 0), pixel(greyAlpha, 1, 0)]).toEqual([
      [200, 200, 200, 255],
      [50, 50, 50, 0],
    ]);
  });

  it('refuses corrupt images and does not inflate past the announced size', () => {
    const good = encodePng(4, 4, () => [1, 2, 3]);
    expect(() => decodePng(good.subarray(0, good.length - 20))).toThrow(PngDecodeError);
    // A "zip bomb": a 1×1 header over 100 kB of zeros.
    const bomb = pngFrom({
      width: 1,
      height: 1,
      depth: 8,
      colorType: 2,
      rows: [new Array(100_000).fill(0)],
      bpp: 3,
    });
    expect(() => decodePng(bomb)).toThrow(PngDecodeError);
    const interlaced = pngFrom({
      width: 1,
      height: 1,
      depth: 8,
      colorType: 2,
      rows: [[1, 2, 3]],
      bpp: 3,
      interlace: 1,
    });
    expect(decodePng(interlaced)).toBeUndefined();
    expect(readImageHeader(interlaced)).toEqual({ format: 'png', width: 1, height: 1 });
  });
});

describe('main colour', () => {
  it('names the colour most pixels have, with its share', () => {
    const png = encodePng(40, 10, (x) => (x < 30 ? [30, 60, 220] : [250, 250, 250]));
    expect(mainColour(decodePng(png) ?? { width: 0, height: 0, pixels: new Uint8Array() })).toEqual({
      name: 'blue',
      hex: '#1e3cdc',
      share: 0.75,
    });
    const clear = decodePng(encodePng(3, 3, () => [255, 0, 0, 0]));
    expect(clear && mainColour(clear)).toBeUndefined();
  });

  it('has everyday names for colours', () => {
    expect(
      [
        [220, 30, 30],
        [240, 140, 20],
        [240, 230, 40],
        [40, 180, 60],
        [40, 210, 220],
        [30, 60, 220],
        [130, 50, 200],
        [240, 100, 190],
        [110, 60, 20],
        [5, 5, 5],
        [128, 128, 128],
        [250, 250, 250],
      ].map(([r = 0, g = 0, b = 0]) => colourName(r, g, b)),
    ).toEqual([
      'red',
      'orange',
      'yellow',
      'green',
      'cyan',
      'blue',
      'purple',
      'pink',
      'brown',
      'black',
      'grey',
      'white',
    ]);
  });
});
