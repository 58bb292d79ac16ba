import { createCanvas } from '@napi-rs/canvas';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { RasterContext, encodeGif, encodePng, setPngEncoder } from '../../envs/index.js';
import { zlibPngEncoder } from '../../envs/render/png-node.js';

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
});
