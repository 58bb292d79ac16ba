/**
 * PNG files built byte by byte for the decoder's tests: any colour type and bit depth, Adam7 or
 * not, every scanline filter, the image data split over several IDAT chunks, extra chunks, and
 * deliberately broken files (chunks out of order, a wrong CRC, data that inflates past its header).
 */
import { deflateSync } from 'node:zlib';
import { ihdrChunk, pngChunk, pngFile, zerosZlib } from '../../../envs/render/png-bytes-node.js';

export { ihdrChunk as ihdr, pngChunk as chunk, pngFile, zerosZlib };
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
  for (let at = 0; at < z.length; at += size) idat.push(pngChunk('IDAT', z.subarray(at, at + size)));
  return pngFile(
    ihdrChunk(spec.width, spec.height, spec.depth, spec.colourType, spec.interlace ?? 0),
    ...(spec.extra ?? []),
    ...(spec.palette ? [pngChunk('PLTE', Uint8Array.from(spec.palette.flat()))] : []),
    ...(spec.trns ? [pngChunk('tRNS', Uint8Array.from(spec.trns))] : []),
    ...idat,
    pngChunk('IEND'),
  );
}

export const dataUrl = (png: Buffer): string => `data:image/png;base64,${png.toString('base64')}`;
