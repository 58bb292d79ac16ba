/**
 * PNG encoding for Node, on Node's zlib; `envs/index.ts` installs it. The pure-JS encoder
 * (fast-png) took about 1 ms for a 112x112 Sokoban frame here and Skia's (@napi-rs/canvas) 0.4 ms,
 * while deflating the same pixels with zlib takes about 0.06 ms: flat-colour frames need no clever
 * filtering, only a fast deflate. Scanlines use filter 0 (none); the bytes are a valid PNG for any
 * decoder. The pixels are the determinism contract: the PNG bytes are the same for the same zlib
 * build (Node's), which is what a machine's tests compare.
 */
import { crc32, deflateSync } from 'node:zlib';
import type { RgbaImage } from '../core/types.js';
import type { PngEncoder } from './png.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IEND = chunk('IEND', Buffer.alloc(0));

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Level 3 measured about 1.5x faster than 6 for 30% more bytes on Sokoban frames. */
export function encodePngFast(image: RgbaImage, level = 3): Buffer {
  const { width, height, data } = image;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  const stride = width * 4;
  const raw = Buffer.allocUnsafe((stride + 1) * height);
  const src = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    src.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level })), IEND]);
}

export const zlibPngEncoder: PngEncoder = (image) => {
  const buf = encodePngFast(image);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
};
