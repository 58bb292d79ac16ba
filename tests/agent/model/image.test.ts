// preprocessImage is on the training path: its floats must not move by a bit. These tests hold it
// to the straightforward form of the area resampling (every row scans every vertical tap) on random
// shapes; check that its time grows linearly with the height, which that form's did not (a
// 1 x 4,194,304 image took minutes); and check the dynamic resolution: an image is read at its own
// size when it fits the cap, so a frame of 16-pixel tiles is read one tile a patch, untouched.
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { imageGrid, pixelsPerImage, preprocessImage, type PatchSpec, type RGBAImage } from '../../../agent/model/index.js';
import { expectLinearGrowth } from '../../support/growth.js';
import { randomImage } from './helpers.js';

/** The reference: the resampling as first written, quadratic in the height, same arithmetic order, then cut into patches. */
function referencePreprocess(img: RGBAImage, v: PatchSpec): Float32Array {
  const { width: w, height: h, data } = img;
  const { rows, cols } = imageGrid(w, h, v);
  const p = v.patchSize;
  const outW = cols * p;
  const outH = rows * p;
  const taps = (inN: number, outN: number) => {
    const t: { out: number; src: number; weight: number }[] = [];
    const scale = inN / outN;
    for (let o = 0; o < outN; o++) {
      const lo = o * scale;
      const hi = lo + scale;
      for (let s = Math.floor(lo); s < Math.min(inN, Math.ceil(hi)); s++) {
        const overlap = Math.min(hi, s + 1) - Math.max(lo, s);
        if (overlap > 1e-12) t.push({ out: o, src: s, weight: overlap / scale });
      }
    }
    return t;
  };
  const wx = taps(w, outW);
  const wy = taps(h, outH);
  const row = new Float64Array(outW * 3);
  const acc = new Float64Array(outH * outW * 3);
  for (let y = 0; y < h; y++) {
    row.fill(0);
    for (const { out: ox, src, weight } of wx) {
      const q = (y * w + src) * 4;
      row[ox * 3] += weight * data[q];
      row[ox * 3 + 1] += weight * data[q + 1];
      row[ox * 3 + 2] += weight * data[q + 2];
    }
    for (const { out: oy, src, weight } of wy) {
      if (src !== y) continue;
      for (let i = 0; i < outW * 3; i++) acc[oy * outW * 3 + i] += weight * row[i];
    }
  }
  const dst = new Float32Array(pixelsPerImage(v));
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const patch = Math.floor(y / p) * cols + Math.floor(x / p);
      for (let c = 0; c < 3; c++) dst[patch * 3 * p * p + (c * p + (y % p)) * p + (x % p)] = acc[(y * outW + x) * 3 + c] / 127.5 - 1;
    }
  }
  return dst;
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const TINY: PatchSpec = { patchSize: 16, maxPatches: 100 };

describe('imageGrid', () => {
  it('reads Sokoban frames one 16-pixel tile a patch at every board size up to 10x10, and Football at half size', () => {
    for (const [r, c] of [[6, 6], [7, 7], [10, 10], [5, 8], [8, 5]]) expect(imageGrid(16 * c, 16 * r, TINY)).toEqual({ rows: r, cols: c });
    expect(imageGrid(320, 160, TINY)).toEqual({ rows: 5, cols: 10 });
    expect(imageGrid(1, 1, TINY)).toEqual({ rows: 1, cols: 1 });
  });

  it('keeps within the cap with the smallest whole factor that fits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 32 }), fc.integer({ min: 1, max: 300 }), (w, h, patchSize, maxPatches) => {
        const g = imageGrid(w, h, { patchSize, maxPatches });
        expect(g.rows * g.cols).toBeLessThanOrEqual(maxPatches);
        // The factor it used, and that every smaller one overflows the cap.
        const f = [...Array(3001).keys()].slice(1).find((k) => Math.max(1, Math.round(h / (k * patchSize))) === g.rows && Math.max(1, Math.round(w / (k * patchSize))) === g.cols)!;
        for (let k = 1; k < f; k++) expect(Math.max(1, Math.round(h / (k * patchSize))) * Math.max(1, Math.round(w / (k * patchSize)))).toBeGreaterThan(maxPatches);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('refuses a size that is not two positive integers', () => {
    expect(() => imageGrid(0, 5, TINY)).toThrow(/bad image size 0x5/);
    expect(() => imageGrid(2.5, 5, TINY)).toThrow(/bad image size/);
  });
});

describe('preprocessImage', () => {
  it('gives the reference resampling bit for bit on random shapes, shrinking and growing', () => {
    const rng = seedrandom('shapes');
    const shapes: [number, number][] = [[1, 1], [1, 300], [300, 1], [56, 56], [57, 55], [112, 112], [160, 160], [320, 160], [176, 208], [7, 500]];
    for (let k = 0; k < 10; k++) shapes.push([1 + Math.floor(rng() * 250), 1 + Math.floor(rng() * 250)]);
    for (const [w, h] of shapes) {
      const img = randomImage(`${w}x${h}`, w, h);
      for (const v of [TINY, { patchSize: 8, maxPatches: 49 }, { patchSize: 4, maxPatches: 9 }, { patchSize: 1, maxPatches: 1 }]) {
        expect(bytes(preprocessImage(img, v)).equals(bytes(referencePreprocess(img, v))), `${w}x${h} to ${JSON.stringify(v)}`).toBe(true);
      }
    }
  });

  it('puts a frame of patch-sized tiles into the patches untouched, tile (r, c) in patch r cols + c', () => {
    const img = randomImage('tiles', 16 * 7, 16 * 6);
    const x = preprocessImage(img, TINY);
    for (let r = 0; r < 6; r++) {
      for (let c = 0; c < 7; c++) {
        for (let ch = 0; ch < 3; ch++) {
          for (const [py, px] of [[0, 0], [5, 11], [15, 15]]) {
            const want = img.data[((16 * r + py) * img.width + 16 * c + px) * 4 + ch] / 127.5 - 1;
            expect(x[(r * 7 + c) * 768 + (ch * 16 + py) * 16 + px]).toBe(Math.fround(want));
          }
        }
      }
    }
    expect(x.subarray(42 * 768).every((v) => v === 0)).toBe(true); // the 58 patches past the grid
  });

  it('writes at an offset into a given array, zeroing the unused patches', () => {
    const img = randomImage('offset', 30, 20);
    const v = { patchSize: 4, maxPatches: 9 };
    const per = pixelsPerImage(v);
    const out = new Float32Array(2 * per).fill(7);
    out.fill(0, 0, per);
    preprocessImage(img, v, out, per);
    expect(bytes(out.subarray(per)).equals(bytes(referencePreprocess(img, v)))).toBe(true);
    expect(out.subarray(0, per).every((x) => x === 0)).toBe(true);
  });

  it('takes time linear in the height of a one-pixel-wide image', () => {
    const column = (h: number): RGBAImage => ({ width: 1, height: h, data: new Uint8Array(h * 4).fill(90) });
    const images = new Map<number, RGBAImage>();
    expectLinearGrowth((n) => {
      const img = images.get(n) ?? column(n);
      images.set(n, img);
      preprocessImage(img, { patchSize: 8, maxPatches: 1 });
    }, 64, 'one pixel wide');
  });
});
