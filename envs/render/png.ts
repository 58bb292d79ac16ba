/**
 * PNG encoding behind one function. The default encoder is pure JavaScript (fast-png) so that this
 * module runs in a browser too; the Node entry point (`envs/index.ts`) swaps in one on Node's zlib
 * (png-node.ts), about 15x faster. Both are deterministic: the same pixels give the same bytes.
 */
import { encode } from 'fast-png';
import type { RgbaImage } from '../core/types.js';

export type PngEncoder = (image: RgbaImage) => Uint8Array;

const pureEncoder: PngEncoder = (image) =>
  encode({ width: image.width, height: image.height, data: image.data, channels: 4, depth: 8 }, { zlib: { level: 3 } });

let current: PngEncoder = pureEncoder;

export function encodePng(image: RgbaImage): Uint8Array {
  return current(image);
}

export function setPngEncoder(encoder: PngEncoder | null): void {
  current = encoder ?? pureEncoder;
}
