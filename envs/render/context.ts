/**
 * Renderers draw through `Context2D`, the small part of the Canvas 2D API they use: opaque fills of
 * integer rectangles. Any real canvas context satisfies it (a browser's, @napi-rs/canvas's), and
 * `RasterContext` implements it over a plain RGBA buffer. Because every draw is an opaque,
 * pixel-aligned rectangle, all three give byte-identical pixels: no anti-aliasing, no fonts.
 */
import type { RgbaImage } from '../core/types.js';

export interface Context2D {
  fillStyle: string | object;
  fillRect(x: number, y: number, width: number, height: number): void;
}

/** `#rrggbb` to [r, g, b]; the only colour syntax renderers use. */
export function parseHex(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) throw new Error(`colour "${color}" is not #rrggbb`);
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** A Context2D that paints into an RGBA buffer: fast, pure, and the same in Node and the browser. */
export class RasterContext implements Context2D {
  readonly image: RgbaImage;
  private rgba = 0xff000000; // little-endian ABGR of the current colour
  private style = '#000000';
  private readonly words: Uint32Array;

  constructor(width: number, height: number) {
    this.image = { width, height, data: new Uint8ClampedArray(width * height * 4) };
    this.words = new Uint32Array(this.image.data.buffer);
  }

  get fillStyle(): string {
    return this.style;
  }

  set fillStyle(color: string | object) {
    if (typeof color !== 'string') throw new Error('RasterContext takes #rrggbb colours only');
    const [r, g, b] = parseHex(color);
    this.style = color;
    // Uint32 views are little-endian on every platform Node and browsers run on.
    this.rgba = ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
  }

  fillRect(x: number, y: number, width: number, height: number): void {
    const { width: W, height: H } = this.image;
    // Canvas semantics for integer rectangles: clip to the surface, ignore empty ones.
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(W, Math.round(x + width));
    const y1 = Math.min(H, Math.round(y + height));
    if (x1 <= x0 || y1 <= y0) return;
    for (let row = y0; row < y1; row++) this.words.fill(this.rgba, row * W + x0, row * W + x1);
  }
}
