import { createCanvas } from '@napi-rs/canvas';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { RasterContext, encodeGif, encodePng, setPngEncoder } from '../../../envs/index.js';
import { zlibPngEncoder } from '../../../envs/render/png-node.js';

function scene(ctx: { fillStyle: string | object; fillRect(x: number, y: number, w: number, h: number): void }) {
  ctx.fillStyle = '#112233';
  ctx.fillRect(0, 0, 20, 12);
  ctx.fillStyle = '#ff8000';
  ctx.fillRect(3, 2, 5, 4);
  ctx.fillStyle = '#00ff7f';
  ctx.fillRect(-4, 8, 30, 10); // clipped on three sides
}

describe('RasterContext', () => {
  it('gives the same pixels as a real canvas for integer rectangles', () => {
    const raster = new RasterContext(20, 12);
    scene(raster);
    const canvas = createCanvas(20, 12);
    const ctx = canvas.getContext('2d');
    scene(ctx);
    const real = ctx.getImageData(0, 0, 20, 12).data;
    expect(Buffer.from(raster.image.data).equals(Buffer.from(real))).toBe(true);
  });

  it('rejects colours it cannot paint exactly', () => {
    expect(() => (new RasterContext(1, 1).fillStyle = 'red')).toThrow(/#rrggbb/);
  });
});

describe('image encoding', () => {
  it('both PNG encoders give decodable, deterministic bytes', () => {
    const raster = new RasterContext(20, 12);
    scene(raster);
    for (const encoder of [null, zlibPngEncoder]) {
      setPngEncoder(encoder);
      const a = encodePng(raster.image);
      expect(Buffer.from(a.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');
      const back = decode(a);
      expect([back.width, back.height, back.channels]).toEqual([20, 12, 4]);
      expect(Buffer.from(back.data as Uint8Array).equals(Buffer.from(raster.image.data))).toBe(true);
      expect(Buffer.from(encodePng(raster.image)).equals(Buffer.from(a))).toBe(true);
    }
  });

  it('encodes GIF animations', () => {
    const a = new RasterContext(20, 12);
    scene(a);
    const gif = encodeGif([a.image, a.image], 100);
    expect(Buffer.from(gif.subarray(0, 6)).toString()).toBe('GIF89a');
  });

  it('GIFs hold the final frame and upscale by an integer factor', () => {
    const a = new RasterContext(20, 12);
    scene(a);
    const gif = encodeGif([a.image, a.image, a.image], 100, { scale: 3 });
    const { width, height, delays } = readGif(gif);
    expect([width, height]).toEqual([60, 36]);
    // GIF delays are in hundredths of a second: 100 ms twice, then the 2 s hold.
    expect(delays).toEqual([10, 10, 200]);
    expect(readGif(encodeGif([a.image], 100, { holdLastMs: 500 })).delays).toEqual([50]);
    expect(() => encodeGif([a.image], 100, { scale: 0 })).toThrow(/scale must be an integer from 1 to 16/);
  });
});

/** The screen size and each frame's delay, by walking the GIF's blocks (enough for gifenc's output). */
function readGif(bytes: Uint8Array): { width: number; height: number; delays: number[] } {
  const u16 = (i: number) => bytes[i] | (bytes[i + 1] << 8);
  const skipSubBlocks = (i: number): number => {
    while (bytes[i] !== 0) i += bytes[i] + 1;
    return i + 1;
  };
  const tableSize = (packed: number) => (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  const delays: number[] = [];
  let i = 13 + tableSize(bytes[10]);
  while (bytes[i] !== 0x3b) {
    if (bytes[i] === 0x21) {
      if (bytes[i + 1] === 0xf9) delays.push(u16(i + 4));
      i = skipSubBlocks(i + 2);
    } else if (bytes[i] === 0x2c) {
      i = skipSubBlocks(i + 10 + tableSize(bytes[i + 9]) + 1);
    } else throw new Error(`unexpected GIF block 0x${bytes[i].toString(16)} at ${i}`);
  }
  return { width: u16(6), height: u16(8), delays };
}
