import type { RgbaImage } from './png';

/**
 * The main colour of an image: pixels are grouped in 4096 colour boxes (4 bits per channel), the
 * fullest box wins, and its mean colour is named. Transparent pixels are not counted. Large
 * images are sampled on a grid of at most {@link MAX_SAMPLES} pixels, so the cost is bounded.
 */

export interface MainColour {
  /** A plain English name: red, orange, yellow, green, cyan, blue, purple, pink, brown, black, white or grey. */
  name: string;
  /** The mean colour of the fullest box, `#rrggbb`. */
  hex: string;
  /** Share (0..1) of the opaque pixels whose colour has that name. */
  share: number;
}

export const MAX_SAMPLES = 250_000;

/** The main colour, or undefined when every pixel is transparent. */
export function mainColour(image: RgbaImage): MainColour | undefined {
  const { width, height, pixels } = image;
  const step = Math.max(1, Math.ceil(Math.sqrt((width * height) / MAX_SAMPLES)));
  const counts = new Uint32Array(4096);
  const sums = new Float64Array(4096 * 3);
  const names = new Map<string, number>();
  let opaque = 0;
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const o = (y * width + x) * 4;
      if ((pixels[o + 3] ?? 0) < 128) continue;
      const r = pixels[o] ?? 0;
      const g = pixels[o + 1] ?? 0;
      const b = pixels[o + 2] ?? 0;
      const box = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
      counts[box] = (counts[box] ?? 0) + 1;
      sums[box * 3] = (sums[box * 3] ?? 0) + r;
      sums[box * 3 + 1] = (sums[box * 3 + 1] ?? 0) + g;
      sums[box * 3 + 2] = (sums[box * 3 + 2] ?? 0) + b;
      const name = colourName(r, g, b);
      names.set(name, (names.get(name) ?? 0) + 1);
      opaque++;
    }
  }
  if (opaque === 0) return undefined;
  let best = 0;
  for (let box = 1; box < 4096; box++) if ((counts[box] ?? 0) > (counts[best] ?? 0)) best = box;
  const n = counts[best] ?? 1;
  const rgb = [0, 1, 2].map((c) => Math.round((sums[best * 3 + c] ?? 0) / n)) as [number, number, number];
  const name = colourName(...rgb);
  return {
    name,
    hex: `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`,
    share: (names.get(name) ?? 0) / opaque,
  };
}

/** A colour's everyday name, from its hue, saturation and lightness. */
export function colourName(r: number, g: number, b: number): string {
  const max = Math.max(r, g, b) / 255;
  const min = Math.min(r, g, b) / 255;
  const lightness = (max + min) / 2;
  const chroma = max - min;
  if (lightness < 0.12) return 'black';
  if (chroma < 0.1 || (lightness > 0.92 && chroma < 0.25)) {
    if (lightness > 0.85) return 'white';
    return 'grey';
  }
  let hue: number;
  const [rf, gf, bf] = [r / 255, g / 255, b / 255];
  if (max === rf) hue = (((gf - bf) / chroma) % 6) * 60;
  else if (max === gf) hue = ((bf - rf) / chroma + 2) * 60;
  else hue = ((rf - gf) / chroma + 4) * 60;
  if (hue < 0) hue += 360;
  if (hue < 15 || hue >= 345) return lightness < 0.3 ? 'brown' : 'red';
  if (hue < 45) return lightness < 0.4 ? 'brown' : 'orange';
  if (hue < 70) return 'yellow';
  if (hue < 165) return 'green';
  if (hue < 195) return 'cyan';
  if (hue < 255) return 'blue';
  if (hue < 290) return 'purple';
  return 'pink';
}
