/**
 * PNG files built byte by byte for the decoder's tests: any colour type and bit depth, Adam7 or
 * not, every scanline filter, the image data split over several IDAT chunks, extra chunks, and
 * deliberately broken files (chunks out of order, a wrong CRC, data that inflates past its header).
 */
import { constants, crc32, deflateRawSync, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** One chunk: length, type, data, CRC (a wrong one with `badCrc`). */
export function chunk(type: string, data: Uint8Array = new Uint8Array(0), badCrc = false): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, 8);
  out.writeUInt32BE((crc32(out.subarray(4, 8 + data.length)) ^ (badCrc ? 1 : 0)) >>> 0, 8 + data.length);
  return out;
}

export function ihdr(width: number, height: number, depth = 8, colourType = 6, interlace = 0): Buffer {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(width, 0);
  d.writeUInt32BE(height, 4);
  d[8] = depth;
  d[9] = colourType;
  d[12] = interlace;
  return chunk('IHDR', d);
}

export const pngFile = (...chunks: Buffer[]): Buffer => Buffer.concat([SIGNATURE, ...chunks]);

export interface PngSpec {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  interlace?: 0 | 1;
  /** width x height x channels sample values (each below 2^depth), row-major. */
  samples: ArrayLike<number>;
  /** RGB triples of a palette image. */
  palette?: number[][];
  /** The tRNS chunk's bytes. */
  trns?: number[];
  /** Picks each scanline's filter (0-4); none by default. */
  filter?: (row: number) => number;
  /** Bytes of compressed data per IDAT chunk (all in one by default). */
  idatSize?: number;
  /** Chunks placed after IHDR. */
  extra?: Buffer[];
}

/** The filtered scanlines of an image (or of one Adam7 pass), each with its filter byte. */
function scanlines(spec: PngSpec, xs: number[], ys: number[], rowBase: number): Buffer {
  const ch = CHANNELS[spec.colourType];
  const bits = spec.depth * ch;
  const lineBytes = Math.ceil((xs.length * bits) / 8);
  const bpp = Math.max(1, Math.ceil(bits / 8));
  const out = Buffer.alloc(ys.length * (1 + lineBytes));
  let prev = Buffer.alloc(lineBytes);
  ys.forEach((y, r) => {
    const line = Buffer.alloc(lineBytes);
    let bit = 0;
    for (const x of xs) {
      for (let c = 0; c < ch; c++) {
        const v = spec.samples[(y * spec.width + x) * ch + c];
        if (spec.depth === 16) line.writeUInt16BE(v, bit / 8);
        else if (spec.depth === 8) line[bit / 8] = v;
        else line[bit >> 3] |= v << (8 - spec.depth - (bit & 7));
        bit += spec.depth;
      }
    }
    const f = spec.filter?.(rowBase + r) ?? 0;
    const at = r * (1 + lineBytes);
    out[at] = f;
    for (let i = 0; i < lineBytes; i++) {
      const a = i >= bpp ? line[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predict = [0, a, b, (a + b) >> 1, paeth][f];
      out[at + 1 + i] = (line[i] - predict) & 0xff;
    }
    prev = line;
  });
  return out;
}

/** The uncompressed image data of a spec: its scanlines, or Adam7's seven passes one after another. */
export function imageData(spec: PngSpec): Buffer {
  const range = (from: number, to: number, step: number) => Array.from({ length: Math.max(0, Math.ceil((to - from) / step)) }, (_, i) => from + i * step);
  if (!spec.interlace) return scanlines(spec, range(0, spec.width, 1), range(0, spec.height, 1), 0);
  let row = 0;
  return Buffer.concat(
    ADAM7.map(([x0, y0, dx, dy]) => {
      const xs = range(x0, spec.width, dx);
      const ys = range(y0, spec.height, dy);
      if (xs.length === 0 || ys.length === 0) return Buffer.alloc(0);
      row += ys.length;
      return scanlines(spec, xs, ys, row - ys.length);
    }),
  );
}

/** A whole PNG file of a spec. */
export function encodePng(spec: PngSpec): Buffer {
  const z = deflateSync(imageData(spec));
  const size = spec.idatSize ?? z.length;
  const idat: Buffer[] = [];
  for (let at = 0; at < z.length; at += size) idat.push(chunk('IDAT', z.subarray(at, at + size)));
  return pngFile(
    ihdr(spec.width, spec.height, spec.depth, spec.colourType, spec.interlace ?? 0),
    ...(spec.extra ?? []),
    ...(spec.palette ? [chunk('PLTE', Uint8Array.from(spec.palette.flat()))] : []),
    ...(spec.trns ? [chunk('tRNS', Uint8Array.from(spec.trns))] : []),
    ...idat,
    chunk('IEND'),
  );
}

export const dataUrl = (png: Buffer): string => `data:image/png;base64,${png.toString('base64')}`;

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
