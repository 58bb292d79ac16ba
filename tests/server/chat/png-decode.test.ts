/**
 * The chat image decoder (server/chat/png-decode.ts): every PNG the server took before decodes to
 * the same pixels (fast-png alone is the reference), and what it now refuses it refuses before the
 * costly step, with a message naming the limit or the fault: sides, pixels and aspect ratio from the
 * header, a second IHDR, a wrong CRC, a palette image without PLTE, chunks out of order, image data
 * that inflates past what the header calls for.
 */
import { deflateSync } from 'node:zlib';
import { convertIndexedToRgb, decode, type DecodedPng } from 'fast-png';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { decodePng, ImageRejection, type ImageLimits } from '../../../server/chat/png-decode.js';
import { chunk, encodePng, ihdr, imageData, pngFile, type PngSpec } from './png-files.js';

const WIDE_OPEN: ImageLimits = { maxPixels: 1 << 22, maxSide: 4096, maxAspect: 4096 };

/** The decode as the server did it before: fast-png, then the same conversion to 8-bit RGBA. */
function fastPngRgba(bytes: Buffer): Uint8Array {
  const png: DecodedPng = decode(bytes);
  let { data, channels, depth } = png;
  if (png.palette) {
    data = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
    depth = 8;
  }
  if (depth !== 8 && depth !== 16) throw new Error(`depth ${depth}`);
  const n = png.width * png.height;
  if (data.length !== n * channels) throw new Error('size');
  const shift = depth === 16 ? 8 : 0;
  const out = new Uint8Array(n * 4);
  for (let p = 0; p < n; p++) {
    const v = (c: number) => data[p * channels + c] >> shift;
    const grey = channels <= 2;
    out[p * 4] = v(0);
    out[p * 4 + 1] = grey ? v(0) : v(1);
    out[p * 4 + 2] = grey ? v(0) : v(2);
    out[p * 4 + 3] = channels === 2 ? v(1) : channels === 4 ? v(3) : 255;
  }
  return out;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

function randomSpec(rng: () => number, colourType: number, depth: number): PngSpec {
  const width = 1 + Math.floor(rng() * 23);
  const height = 1 + Math.floor(rng() * 23);
  const colours = colourType === 3 ? 1 + Math.floor(rng() * Math.min(256, 2 ** depth)) : 0;
  const max = colourType === 3 ? colours : 2 ** depth;
  const samples = Array.from({ length: width * height * CHANNELS[colourType] }, () => Math.floor(rng() * max));
  const palette = colourType === 3 ? Array.from({ length: colours }, () => [0, 0, 0].map(() => Math.floor(rng() * 256))) : undefined;
  const trns = colourType === 3 && rng() < 0.5 ? Array.from({ length: Math.floor(rng() * colours) + 1 }, () => Math.floor(rng() * 256)) : undefined;
  const filters = Array.from({ length: 2 * height }, () => Math.floor(rng() * 5));
  const extra = rng() < 0.5 ? [chunk('tEXt', Buffer.from('Comment\0made for a test')), chunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f]))] : [];
  return { width, height, depth, colourType, interlace: rng() < 0.5 ? 1 : 0, samples, palette, trns, filter: (r) => filters[r], idatSize: 1 + Math.floor(rng() * 40), extra };
}

function rejection(bytes: Buffer, limits: ImageLimits = WIDE_OPEN): ImageRejection {
  try {
    decodePng(bytes, limits);
  } catch (e) {
    if (e instanceof ImageRejection) return e;
    throw e;
  }
  throw new Error('decoded, but should have been refused');
}

describe('PNG decoding', () => {
  it('gives the pixels fast-png gives for every colour type, bit depth, filter, interlace and IDAT split', () => {
    const rng = seedrandom('png');
    let decoded = 0;
    for (const [type, depths] of Object.entries(DEPTHS)) {
      for (const depth of depths) {
        for (let k = 0; k < 6; k++) {
          const spec = randomSpec(rng, Number(type), depth);
          const png = encodePng(spec);
          let want: Uint8Array | null = null;
          try {
            want = fastPngRgba(png);
          } catch {
            // Grey below 8 bits: refused before as now.
          }
          if (want === null) {
            expect(() => decodePng(png, WIDE_OPEN), `type ${type} depth ${depth}`).toThrow(ImageRejection);
            continue;
          }
          const got = decodePng(png, WIDE_OPEN);
          expect(Buffer.from(got.data).equals(Buffer.from(want)), `type ${type} depth ${depth}`).toBe(true);
          if (type === '6' && depth === 8) expect(Buffer.from(got.data).equals(Buffer.from(spec.samples as number[]))).toBe(true); // the files are what they say
          decoded++;
        }
      }
    }
    expect(decoded).toBeGreaterThan(60);
  });

  it('refuses sizes past the limits from the header alone, naming the limit', () => {
    const limits: ImageLimits = { maxPixels: 10_000, maxSide: 200, maxAspect: 4 };
    // Only the signature and IHDR: nothing after the header is read for these.
    const header = (w: number, h: number) => pngFile(ihdr(w, h));
    expect(rejection(header(1, 4_194_304), limits)).toMatchObject({ code: 'image_too_large', message: expect.stringContaining('200 pixels a side') });
    expect(rejection(header(101, 100), limits)).toMatchObject({ code: 'image_too_large', message: expect.stringContaining('10000 pixels') });
    expect(rejection(header(200, 40), limits)).toMatchObject({ code: 'image_aspect_ratio_too_large', message: expect.stringContaining('4 times') });
    expect(rejection(header(0, 5), limits).message).toMatch(/no pixels/);
    expect(() => decodePng(encodePng({ width: 160, height: 40, depth: 8, colourType: 0, samples: new Uint8Array(6400) }), limits)).not.toThrow();
  });

  it('refuses a second IHDR, whatever it claims', () => {
    const small = encodePng({ width: 2, height: 2, depth: 8, colourType: 2, samples: new Uint8Array(12) });
    const second = ihdr(8000, 8000);
    const png = Buffer.concat([small.subarray(0, 33), second, small.subarray(33)]);
    expect(rejection(png)).toMatchObject({ code: 'invalid_image_format', message: expect.stringMatching(/second IHDR chunk at byte 33/) });
  });

  it('refuses a wrong CRC, naming the chunk', () => {
    const idat = chunk('IDAT', deflateSync(imageData({ width: 2, height: 2, depth: 8, colourType: 0, samples: [1, 2, 3, 4] })), true);
    expect(rejection(pngFile(ihdr(2, 2, 8, 0), idat, chunk('IEND'))).message).toMatch(/IDAT chunk at byte 33 fails its CRC check/);
  });

  it('refuses a palette image without PLTE, and a palette after the image data', () => {
    const spec: PngSpec = { width: 3, height: 1, depth: 8, colourType: 3, samples: [0, 1, 0] };
    expect(rejection(encodePng(spec)).message).toMatch(/palette image \(colour type 3\) without a PLTE chunk/);
    const z = chunk('IDAT', deflateSync(imageData(spec)));
    const late = pngFile(ihdr(3, 1, 8, 3), chunk('PLTE', Uint8Array.from([0, 0, 0, 9, 9, 9])), z, chunk('PLTE', Uint8Array.from([1, 1, 1])), chunk('IEND'));
    expect(rejection(late).message).toMatch(/second PLTE/);
    expect(rejection(pngFile(ihdr(3, 1, 8, 0), chunk('PLTE', Uint8Array.from([1, 1, 1])), z, chunk('IEND'))).message).toMatch(/grey PNG .* cannot have a PLTE/);
  });

  it('refuses chunks out of order or cut short', () => {
    const spec: PngSpec = { width: 4, height: 4, depth: 8, colourType: 6, samples: new Uint8Array(64) };
    const z = deflateSync(imageData(spec));
    const half = z.length >> 1;
    const split = pngFile(ihdr(4, 4), chunk('IDAT', z.subarray(0, half)), chunk('tEXt', Buffer.from('a\0b')), chunk('IDAT', z.subarray(half)), chunk('IEND'));
    expect(rejection(split).message).toMatch(/IDAT chunks are not consecutive/);
    const whole = encodePng(spec);
    expect(rejection(whole.subarray(0, whole.length - 12)).message).toMatch(/without an IEND chunk/);
    expect(rejection(whole.subarray(0, whole.length - 20)).message).toMatch(/past the end of the file/);
    expect(rejection(pngFile(ihdr(4, 4), chunk('QQQQ', Buffer.from('x')), chunk('IDAT', z), chunk('IEND'))).message).toMatch(/critical chunk .* QQQQ/);
    expect(rejection(pngFile(ihdr(4, 4), chunk('IEND'))).message).toMatch(/no IDAT/);
  });

  it('stops inflating at the bytes the header calls for, and wants exactly those', () => {
    // 16 x 16 RGBA is 16 x (1 + 64) = 1,040 bytes; this data inflates to 64 MiB.
    const bomb = pngFile(ihdr(16, 16), chunk('IDAT', deflateSync(Buffer.alloc(64 << 20))), chunk('IEND'));
    expect(rejection(bomb).message).toMatch(/inflates past the 1040 bytes its 16x16 header calls for/);
    const short = pngFile(ihdr(16, 16), chunk('IDAT', deflateSync(Buffer.alloc(1000))), chunk('IEND'));
    expect(rejection(short).message).toMatch(/inflates to 1000 bytes, but its 16x16 header calls for 1040/);
    const trailing = pngFile(ihdr(16, 16), chunk('IDAT', Buffer.concat([deflateSync(Buffer.alloc(1040)), Buffer.from('more')])), chunk('IEND'));
    expect(rejection(trailing).message).toMatch(/4 bytes after the end of its compressed stream/);
    expect(rejection(pngFile(ihdr(16, 16), chunk('IDAT', Buffer.from('not zlib')), chunk('IEND'))).message).toMatch(/does not inflate/);
  });

  it('leaves out the chunks that do not make the pixels: an ICC profile bomb, a suggested palette', () => {
    const spec: PngSpec = { width: 5, height: 3, depth: 8, colourType: 2, samples: Array.from({ length: 45 }, (_, i) => i * 5) };
    const plain = decodePng(encodePng(spec), WIDE_OPEN);
    // fast-png inflates an iCCP profile whole, without a cap: the decoder never hands it one.
    const icc = chunk('iCCP', Buffer.concat([Buffer.from('bomb\0\0'), deflateSync(Buffer.alloc(64 << 20))]));
    expect(decodePng(encodePng({ ...spec, extra: [icc] }), WIDE_OPEN)).toEqual(plain);
    // A PLTE in an RGB image only suggests colours; the pixels stay RGB.
    expect(decodePng(encodePng({ ...spec, palette: [[1, 2, 3]] }), WIDE_OPEN)).toEqual(plain);
  });
});
