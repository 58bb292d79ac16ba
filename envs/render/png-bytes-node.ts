/**
 * PNG files chunk by chunk, on Node's zlib: the chunks the fast encoder (png-node.ts) writes, and
 * files built byte by byte where a caller needs a PNG no encoder would write (the decoder's tests
 * and `bench:hostile`: a second IHDR, a wrong CRC, image data that inflates far past its header).
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One chunk: length, type, data, CRC (a wrong one with `badCrc`). */
export function pngChunk(type: string, data: Uint8Array = new Uint8Array(0), badCrc = false): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE((crc32(out.subarray(4, 8 + data.length)) ^ (badCrc ? 1 : 0)) >>> 0, 8 + data.length);
  return out;
}

/** An IHDR chunk (compression and filter method 0). */
export function ihdrChunk(width: number, height: number, depth = 8, colourType = 6, interlace = 0): Buffer {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(width, 0);
  d.writeUInt32BE(height, 4);
  d[8] = depth;
  d[9] = colourType;
  d[12] = interlace;
  return pngChunk('IHDR', d);
}

/** The signature, then the chunks as given. */
export const pngFile = (...chunks: Buffer[]): Buffer => Buffer.concat([PNG_SIGNATURE, ...chunks]);

/**
 * A zlib stream of `mib` MiB of zeros, about a thousandth of that in size, made without allocating
 * what it inflates to: one MiB of zeros deflated up to a full flush (a byte-aligned block that
 * refers to nothing before it) repeated, then an empty final block and the Adler-32 of all zeros.
 */
export function zerosZlib(mib: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(1 << 20), { finishFlush: constants.Z_FULL_FLUSH });
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((((mib * 2 ** 20) % 65521) << 16) | 1) >>> 0);
  return Buffer.concat([Buffer.from([0x78, 0x01]), ...Array<Buffer>(mib).fill(block), Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff]), adler]);
}
