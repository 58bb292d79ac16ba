/** Animated GIFs of episodes (gifenc: pure JS, so the viewer can export them too). */
import * as gifencModule from 'gifenc';

// gifenc ships an ES build (bundlers, vitest) and a CommonJS one (plain Node) whose names Node
// cannot detect, so take the functions from whichever shape arrived.
type GifencApi = typeof gifencModule;
const gifenc: GifencApi =
  'GIFEncoder' in gifencModule && typeof gifencModule.GIFEncoder === 'function'
    ? gifencModule
    : (gifencModule as unknown as { default: GifencApi }).default;
const { GIFEncoder, applyPalette, quantize } = gifenc;
import type { RgbaImage } from '../core/types.js';

export interface GifOptions {
  /** How long the last frame stays before the loop restarts (ms); without a hold the end flashes by. */
  holdLastMs?: number;
  /** Integer upscale (nearest neighbour, so cells stay sharp); 1 keeps the frames' size. */
  scale?: number;
}

/** The GIF's default pause on the final frame, so the end state of an episode can be seen. */
export const GIF_HOLD_LAST_MS = 2000;

/** Nearest-neighbour integer upscale of an RGBA frame. */
export function scaleImage(frame: RgbaImage, scale: number): RgbaImage {
  if (scale === 1) return frame;
  const { width, height } = frame;
  const w = width * scale;
  const out = new Uint8ClampedArray(w * height * scale * 4);
  const src = new Uint32Array(frame.data.buffer, frame.data.byteOffset, width * height);
  const dst = new Uint32Array(out.buffer);
  for (let y = 0; y < height * scale; y++) {
    const row = Math.floor(y / scale) * width;
    for (let x = 0; x < w; x++) dst[y * w + x] = src[row + Math.floor(x / scale)];
  }
  return { width: w, height: height * scale, data: out };
}

/**
 * Encodes frames (all the same size) at `delayMs` per frame into GIF bytes, looping forever; the
 * last frame is held for `holdLastMs` (default 2 s) and every frame upscaled by `scale`.
 */
export function encodeGif(frames: readonly RgbaImage[], delayMs = 200, options: GifOptions = {}): Uint8Array {
  if (frames.length === 0) throw new Error('a GIF needs at least one frame');
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1 || scale > 16) throw new Error(`GIF scale must be an integer from 1 to 16, got ${scale}`);
  const hold = Math.max(delayMs, options.holdLastMs ?? GIF_HOLD_LAST_MS);
  const { width, height } = frames[0];
  const gif = GIFEncoder();
  frames.forEach((raw, i) => {
    if (raw.width !== width || raw.height !== height) throw new Error('GIF frames differ in size');
    // Uint32 views need 4-byte alignment: copy a frame whose pixels start mid-buffer.
    const frame = scaleImage(raw.data.byteOffset % 4 === 0 ? raw : { ...raw, data: raw.data.slice() }, scale);
    // Our frames use a handful of flat colours, so a quantised palette of 256 is exact.
    const palette = quantize(frame.data, 256, { format: 'rgb565' });
    const index = applyPalette(frame.data, palette, 'rgb565');
    gif.writeFrame(index, frame.width, frame.height, { palette, delay: i === frames.length - 1 ? hold : delayMs });
  });
  gif.finish();
  return gif.bytes();
}
