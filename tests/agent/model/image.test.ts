// preprocessImage is on the training path: its floats must not move by a bit. These tests hold it
// to the straightforward form of the area resampling (every row scans every vertical tap), which
// it used to be, on random shapes; and they check that its time grows linearly with the height,
// which that form's did not (a 1 x 4,194,304 image took minutes).
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { preprocessImage, type RGBAImage } from '../../../agent/model/index.js';
import { expectLinearGrowth } from '../../support/growth.js';
import { randomImage } from './helpers.js';

/** The reference: the resampling as first written, quadratic in the height, same arithmetic order. */
function referencePreprocess(img: RGBAImage, size: number): Float32Array {
  const { width: w, height: h, data } = img;
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
  const wx = taps(w, size);
  const wy = taps(h, size);
  const row = new Float64Array(size * 3);
  const acc = new Float64Array(size * size * 3);
  for (let y = 0; y < h; y++) {
    row.fill(0);
    for (const { out: ox, src, weight } of wx) {
      const p = (y * w + src) * 4;
      row[ox * 3] += weight * data[p];
      row[ox * 3 + 1] += weight * data[p + 1];
      row[ox * 3 + 2] += weight * data[p + 2];
    }
    for (const { out: oy, src, weight } of wy) {
      if (src !== y) continue;
      for (let i = 0; i < size * 3; i++) acc[oy * size * 3 + i] += weight * row[i];
    }
  }
  const dst = new Float32Array(3 * size * size);
  const plane = size * size;
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) dst[c * plane + p] = acc[p * 3 + c] / 127.5 - 1;
  return dst;
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('preprocessImage', () => {
  it('gives the reference resampling bit for bit on random shapes, shrinking and growing', () => {
    const rng = seedrandom('shapes');
    const shapes: [number, number][] = [[1, 1], [1, 300], [300, 1], [56, 56], [57, 55], [112, 112], [160, 160], [320, 160], [176, 208], [7, 500]];
    for (let k = 0; k < 10; k++) shapes.push([1 + Math.floor(rng() * 250), 1 + Math.floor(rng() * 250)]);
    for (const [w, h] of shapes) {
      const img = randomImage(`${w}x${h}`, w, h);
      for (const size of [1, 8, 56, 112]) expect(bytes(preprocessImage(img, size)).equals(bytes(referencePreprocess(img, size))), `${w}x${h} to ${size}`).toBe(true);
    }
  });

  it('writes at an offset into a given array', () => {
    const img = randomImage('offset', 30, 20);
    const out = new Float32Array(2 * 3 * 8 * 8);
    preprocessImage(img, 8, out, 3 * 8 * 8);
    expect(bytes(out.subarray(3 * 8 * 8)).equals(bytes(referencePreprocess(img, 8)))).toBe(true);
    expect(out.subarray(0, 3 * 8 * 8).every((v) => v === 0)).toBe(true);
  });

  it('takes time linear in the height of a one-pixel-wide image', () => {
    const column = (h: number): RGBAImage => ({ width: 1, height: h, data: new Uint8Array(h * 4).fill(90) });
    const images = new Map<number, RGBAImage>();
    expectLinearGrowth((n) => {
      const img = images.get(n) ?? column(n);
      images.set(n, img);
      preprocessImage(img, 8);
    }, 64, 'one pixel wide');
  });
});
