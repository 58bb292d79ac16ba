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

/** Encodes frames (all the same size) at `delayMs` per frame into GIF bytes, looping forever. */
export function encodeGif(frames: readonly RgbaImage[], delayMs = 200): Uint8Array {
  if (frames.length === 0) throw new Error('a GIF needs at least one frame');
  const { width, height } = frames[0];
  const gif = GIFEncoder();
  for (const frame of frames) {
    if (frame.width !== width || frame.height !== height) throw new Error('GIF frames differ in size');
    // Our frames use a handful of flat colours, so a quantised palette of 256 is exact.
    const palette = quantize(frame.data, 256, { format: 'rgb565' });
    const index = applyPalette(frame.data, palette, 'rgb565');
    gif.writeFrame(index, width, height, { palette, delay: delayMs });
  }
  gif.finish();
  return gif.bytes();
}
