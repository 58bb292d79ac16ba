/**
 * A PNG file from a client to 8-bit RGBA pixels, checked before any costly step: the header's size
 * against the limits (each side, all pixels, the aspect ratio) before anything is allocated; every
 * chunk's length and CRC, one IHDR, a PLTE where a palette image needs one, one run of IDAT and an
 * IEND; then the image data inflated with a cap of exactly the bytes the header calls for, enforced
 * while inflating, so that a small file cannot unpack into gigabytes. Only then does fast-png
 * decode the file, rebuilt from the chunks that make the pixels (IHDR, PLTE, tRNS, IDAT, IEND):
 * what it inflates is what was just inflated within the cap, and no ancillary chunk it would
 * inflate on its own (an ICC profile) reaches it.
 *
 * Runs in the image worker (./image-worker.ts); throws ImageRejection, which the request thread
 * turns into a 400 naming the field.
 */
import { crc32, inflateSync } from 'node:zlib';
import { convertIndexedToRgb, decode, type DecodedPng } from 'fast-png';
import type { RGBAImage } from '../../agent/model/index.js';

export interface ImageLimits {
  /** Most pixels (width x height) of one image. */
  maxPixels: number;
  /** Most pixels along either side. */
  maxSide: number;
  /** Most times one side may be as long as the other. */
  maxAspect: number;
}

/** Why an image is refused: an OpenAI error code and a message without the field's name. */
export class ImageRejection extends Error {
  constructor(
    message: string,
    readonly code: 'invalid_image_url' | 'invalid_image_format' | 'image_too_large' | 'image_aspect_ratio_too_large',
  ) {
    super(message);
    this.name = 'ImageRejection';
  }
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Channels of each colour type, and the bit depths the PNG specification allows it. */
const COLOUR_TYPES: Record<number, { channels: number; depths: number[] }> = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16] }, // grey
  2: { channels: 3, depths: [8, 16] }, // RGB
  3: { channels: 1, depths: [1, 2, 4, 8] }, // palette indices
  4: { channels: 2, depths: [8, 16] }, // grey + alpha
  6: { channels: 4, depths: [8, 16] }, // RGBA
};
/** Adam7's passes: first column, first row, column step, row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

const bad = (message: string) => new ImageRejection(message, 'invalid_image_format');

interface Header {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  interlaced: boolean;
}

interface Chunk {
  type: string;
  /** Offset of the chunk's length field; the whole chunk is `12 + length` bytes from there. */
  at: number;
  length: number;
}

/** The header's size against the limits: the first thing read, so a huge claim costs nothing. */
function checkImageSize(width: number, height: number, limits: ImageLimits): void {
  if (width === 0 || height === 0) throw bad(`a ${width}x${height} image has no pixels`);
  if (width > limits.maxSide || height > limits.maxSide) {
    throw new ImageRejection(`a ${width}x${height} image is outside the limit of ${limits.maxSide} pixels a side`, 'image_too_large');
  }
  if (width * height > limits.maxPixels) throw new ImageRejection(`a ${width}x${height} image is outside the limit of ${limits.maxPixels} pixels`, 'image_too_large');
  if (Math.max(width, height) > limits.maxAspect * Math.min(width, height)) {
    throw new ImageRejection(`a ${width}x${height} image is outside the limit on the aspect ratio: one side at most ${limits.maxAspect} times the other`, 'image_aspect_ratio_too_large');
  }
}

/** Decodes a PNG file into 8-bit RGBA pixels within `limits`, or throws an ImageRejection. */
export function decodePng(bytes: Buffer, limits: ImageLimits): RGBAImage {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(SIGNATURE)) throw bad('the data is not a PNG file');
  if (bytes.toString('latin1', 12, 16) !== 'IHDR' || bytes.readUInt32BE(8) !== 13) throw bad('the PNG does not start with a 13-byte IHDR chunk');
  checkImageSize(bytes.readUInt32BE(16), bytes.readUInt32BE(20), limits);
  const chunks = readChunks(bytes);
  const header = readHeader(bytes);
  const idat = checkLayout(bytes, chunks, header);
  const expected = imageDataBytes(header);
  inflateWithin(idat, expected, header);
  let png: DecodedPng;
  try {
    png = decode(pixelChunks(bytes, chunks, header));
  } catch (e) {
    throw bad(`the PNG does not decode (${(e as Error).message})`);
  }
  return toRgba(png);
}

/** Every chunk from the signature to IEND, each whole and with a matching CRC. */
function readChunks(bytes: Buffer): Chunk[] {
  const chunks: Chunk[] = [];
  for (let at = 8; ; ) {
    if (at + 12 > bytes.length) throw bad(`the PNG ends at byte ${bytes.length} without an IEND chunk`);
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw bad(`byte ${at + 4} of the PNG should start a chunk, but its type is not four letters`);
    if (length > bytes.length - at - 12) throw bad(`the PNG's ${type} chunk at byte ${at} claims ${length} bytes, past the end of the file`);
    const stored = bytes.readUInt32BE(at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== stored) throw bad(`the PNG's ${type} chunk at byte ${at} fails its CRC check (the file is damaged)`);
    chunks.push({ type, at, length });
    if (type === 'IEND') return chunks; // bytes after IEND are not part of the image
    at += 12 + length;
  }
}

function readHeader(bytes: Buffer): Header {
  const header: Header = { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), depth: bytes[24], colourType: bytes[25], interlaced: bytes[28] === 1 };
  const colour = COLOUR_TYPES[header.colourType];
  if (!colour) throw bad(`PNG colour type ${header.colourType} does not exist (0, 2, 3, 4 or 6)`);
  if (!colour.depths.includes(header.depth)) throw bad(`PNG colour type ${header.colourType} does not come in bit depth ${header.depth} (only ${colour.depths.join(', ')})`);
  if (bytes[26] !== 0 || bytes[27] !== 0) throw bad(`the PNG's compression method ${bytes[26]} or filter method ${bytes[27]} is unknown (both must be 0)`);
  if (bytes[28] > 1) throw bad(`the PNG's interlace method ${bytes[28]} is unknown (0 or 1)`);
  return header;
}

/** The order of the critical chunks; returns the image data (the IDAT chunks' contents, joined). */
function checkLayout(bytes: Buffer, chunks: readonly Chunk[], header: Header): Buffer {
  const idat: Buffer[] = [];
  let palette = false;
  let idatEnded = false;
  for (let i = 1; i < chunks.length; i++) {
    const { type, at, length } = chunks[i];
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IDAT') {
      if (idatEnded) throw bad(`the PNG's IDAT chunks are not consecutive (another ${chunks[i - 1].type} chunk at byte ${chunks[i - 1].at} comes between them)`);
      if (header.colourType === 3 && !palette) throw bad('the PNG is a palette image (colour type 3) without a PLTE chunk before its image data');
      idat.push(data);
      continue;
    }
    if (idat.length > 0) idatEnded = true;
    if (type === 'IHDR') throw bad(`the PNG has a second IHDR chunk at byte ${at} (a PNG has one header)`);
    if (type === 'PLTE') {
      if (palette) throw bad(`the PNG has a second PLTE chunk at byte ${at}`);
      if (idat.length > 0) throw bad(`the PNG's PLTE chunk at byte ${at} comes after its image data`);
      if (length === 0 || length % 3 !== 0 || length / 3 > 256) throw bad(`the PNG's PLTE chunk holds ${length} bytes (1 to 256 colours of 3 bytes each)`);
      if (header.colourType === 3 && length / 3 > 2 ** header.depth) throw bad(`the PNG's palette holds ${length / 3} colours, more than its ${header.depth}-bit indices reach`);
      if (header.colourType === 0 || header.colourType === 4) throw bad(`a grey PNG (colour type ${header.colourType}) cannot have a PLTE chunk`);
      palette = true;
    } else if (type === 'IEND') {
      if (length !== 0) throw bad('the PNG\'s IEND chunk is not empty');
    } else if (type.charCodeAt(0) < 0x61) {
      throw bad(`the PNG has a critical chunk this decoder does not know: ${type}`);
    }
  }
  if (idat.length === 0) throw bad('the PNG has no image data (no IDAT chunk)');
  return Buffer.concat(idat);
}

/** Bytes of filtered scanlines (a filter byte each) the header calls for, interlaced or not. */
function imageDataBytes({ width, height, depth, colourType, interlaced }: Header): number {
  const bits = depth * COLOUR_TYPES[colourType].channels;
  const scanlines = (w: number, h: number) => (w > 0 && h > 0 ? h * (1 + Math.ceil((w * bits) / 8)) : 0);
  if (!interlaced) return scanlines(width, height);
  return ADAM7.reduce((sum, [x0, y0, dx, dy]) => sum + scanlines(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)), 0);
}

/** Inflates the image data, stopping as soon as it passes `expected` bytes; it must be exactly that. */
function inflateWithin(idat: Buffer, expected: number, { width, height }: Header): void {
  let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    inflated = inflateSync(idat, { maxOutputLength: expected, info: true }) as unknown as typeof inflated;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE') {
      throw bad(`the PNG's image data inflates past the ${expected} bytes its ${width}x${height} header calls for (inflating stopped there)`);
    }
    throw bad(`the PNG's image data does not inflate (${err.message})`);
  }
  if (inflated.buffer.length !== expected) throw bad(`the PNG's image data inflates to ${inflated.buffer.length} bytes, but its ${width}x${height} header calls for ${expected}`);
  const rest = idat.length - inflated.engine.bytesWritten;
  if (rest > 0) throw bad(`the PNG's image data has ${rest} bytes after the end of its compressed stream`);
}

/** The file again with only the chunks that make the pixels: IHDR, the palette and its alpha, IDAT, IEND. */
function pixelChunks(bytes: Buffer, chunks: readonly Chunk[], header: Header): Buffer {
  // A PLTE in an RGB(A) image only suggests colours for displays that need fewer: dropped, as the
  // pixels do not use it (fast-png would read the RGB bytes as palette indices).
  const keep = new Set(header.colourType === 3 ? ['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND'] : ['IHDR', 'tRNS', 'IDAT', 'IEND']);
  return Buffer.concat([SIGNATURE, ...chunks.filter((c) => keep.has(c.type)).map((c) => bytes.subarray(c.at, c.at + 12 + c.length))]);
}

/** Any 8- or 16-bit PNG (grey, grey+alpha, RGB, RGBA or palette) as 8-bit RGBA. */
function toRgba(png: DecodedPng): RGBAImage {
  let { data, channels, depth } = png;
  if (png.palette) {
    try {
      data = convertIndexedToRgb(png);
    } catch (e) {
      throw bad(`the PNG's palette data does not decode (${(e as Error).message})`);
    }
    channels = png.palette[0]?.length ?? 3; // RGB, or RGBA when the palette has alpha
    depth = 8;
  }
  if (depth !== 8 && depth !== 16) throw bad(`PNG bit depth ${depth} is not supported (use 8 or 16)`);
  const n = png.width * png.height;
  if (data.length !== n * channels) throw bad("the PNG's pixel data has the wrong size");
  const shift = depth === 16 ? 8 : 0;
  const out = new Uint8Array(n * 4);
  // One plain loop (a closure a pixel made a 2048 x 2048 image take seconds).
  const grey = channels <= 2;
  for (let p = 0, at = 0, o = 0; p < n; p++, at += channels, o += 4) {
    const first = data[at] >> shift;
    out[o] = first;
    out[o + 1] = grey ? first : data[at + 1] >> shift;
    out[o + 2] = grey ? first : data[at + 2] >> shift;
    out[o + 3] = channels === 2 ? data[at + 1] >> shift : channels === 4 ? data[at + 3] >> shift : 255;
  }
  return { width: png.width, height: png.height, data: out };
}
