// Image preprocessing: RGBA pixels (what our renderers and canvases produce) to the patches the
// vision tower reads, as Qwen2-VL reads images: at their own resolution and aspect ratio when they fit
// the model's cap on patches, else shrunk by the smallest whole factor that fits, each side rounded to
// whole patches. A frame drawn in tiles the size of a patch is thus read one tile a patch, and an
// image's patch grid is the one `imageGrid` gives for its size alone. Pure arithmetic in a fixed order,
// so the same image gives bit-identical inputs on every machine.
import type { VisionConfig } from './config.js';
import { pixelsPerImage } from './config.js';

export interface RGBAImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major RGBA. */
  data: Uint8Array | Uint8ClampedArray;
}

/** An image's patch grid: rows x cols patches, row-major. */
export interface ImageGrid {
  rows: number;
  cols: number;
}

/** What the preprocessing needs of a vision config. */
export type PatchSpec = Pick<VisionConfig, 'patchSize' | 'maxPatches'>;

/**
 * The grid an image of this size is read at: `round(side / (f x patch))` patches a side (at least
 * one), for the smallest whole f >= 1 that keeps rows x cols within `maxPatches`. A whole factor
 * keeps tile boundaries on patch boundaries where the tiles are f patches wide.
 */
export function imageGrid(width: number, height: number, v: PatchSpec): ImageGrid {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) throw new Error(`bad image size ${width}x${height} (want positive integer sides)`);
  for (let f = 1; ; f++) {
    const rows = Math.max(1, Math.round(height / (f * v.patchSize)));
    const cols = Math.max(1, Math.round(width / (f * v.patchSize)));
    if (rows * cols <= v.maxPatches) return { rows, cols };
  }
}

/**
 * One image as the tower's input row: `maxPatches` patches of [3, patch, patch] in [-1, 1], the
 * grid's patches first in row-major order, the rest zero. Resampling is by area (each output pixel
 * averages the input rectangle it covers, with fractional weights at the edges): no aliasing when
 * shrinking, plain replication when growing, and the pixels themselves at the image's own size.
 * Alpha is ignored: frames are opaque, and compositing over any colour would be an arbitrary choice.
 */
export function preprocessImage(img: RGBAImage, v: PatchSpec, out?: Float32Array, offset = 0): Float32Array {
  const { width: w, height: h, data } = img;
  if (!(Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0) || data?.length !== w * h * 4) {
    throw new Error(`bad RGBA image: ${w}x${h} with ${data?.length} bytes (want positive integer sides and width * height * 4 bytes)`);
  }
  const p = v.patchSize;
  const { rows, cols } = imageGrid(w, h, v);
  const outW = cols * p;
  const outH = rows * p;
  const per = pixelsPerImage(v);
  const dst = out ?? new Float32Array(per);
  const wx = areaWeights(w, outW);
  // The vertical taps grouped by input row, so each row finds its own in constant time (scanning
  // all of them for every row made tall images quadratic). The order within a row is kept: each
  // output cell still sums its contributions in the same order, so the floats are the same.
  const wy = tapsBySource(areaWeights(h, outH), h);
  const row = new Float64Array(outW * 3); // one resampled input row, RGB
  const acc = new Float64Array(outH * outW * 3);
  for (let y = 0; y < h; y++) {
    const first = wy.start[y];
    const end = wy.start[y + 1];
    if (first === end) continue; // a row no output overlaps adds nothing
    row.fill(0);
    for (let t = 0; t < wx.out.length; t++) {
      const ox = wx.out[t];
      const weight = wx.weight[t];
      const q = (y * w + wx.src[t]) * 4;
      row[ox * 3] += weight * data[q];
      row[ox * 3 + 1] += weight * data[q + 1];
      row[ox * 3 + 2] += weight * data[q + 2];
    }
    for (let t = first; t < end; t++) {
      const oy = wy.out[t];
      const weight = wy.weight[t];
      for (let i = 0; i < outW * 3; i++) acc[oy * outW * 3 + i] += weight * row[i];
    }
  }
  // Patch (r, c) holds channel-major [3, p, p] of the output rectangle it covers.
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const base = offset + (r * cols + c) * 3 * p * p;
      for (let ch = 0; ch < 3; ch++) {
        for (let py = 0; py < p; py++) {
          for (let px = 0; px < p; px++) {
            const a = acc[((r * p + py) * outW + c * p + px) * 3 + ch];
            dst[base + (ch * p + py) * p + px] = a / 127.5 - 1; // [0,255] -> [-1,1]
          }
        }
      }
    }
  }
  dst.fill(0, offset + rows * cols * 3 * p * p, offset + per); // the patches past the grid
  return dst;
}

/**
 * Several images into one [n, maxPatches, 3 patch patch] batch; `null` rows (text-only) stay zero. An
 * image object given for several rows (n samples of one prompt) is resampled once and copied.
 */
export function preprocessBatch(images: ReadonlyArray<RGBAImage | null>, v: PatchSpec): Float32Array {
  const per = pixelsPerImage(v);
  const out = new Float32Array(images.length * per);
  const done = new Map<RGBAImage, number>();
  images.forEach((img, i) => {
    if (!img) return;
    const at = done.get(img);
    if (at === undefined) {
      preprocessImage(img, v, out, i * per);
      done.set(img, i * per);
    } else out.copyWithin(i * per, at, at + per);
  });
  return out;
}

/** Rows `rows` of a (B, ...) pixel batch of `batch` rows, as a new batch (the batch itself when that is all of it, in order). */
export function pixelRows(pixels: Float32Array, batch: number, rows: readonly number[]): Float32Array {
  if (rows.length === batch && rows.every((r, i) => r === i)) return pixels;
  const per = pixels.length / batch;
  const out = new Float32Array(rows.length * per);
  rows.forEach((r, i) => out.set(pixels.subarray(r * per, (r + 1) * per), i * per));
  return out;
}

/** Whether rows a and b of a (B, ...) pixel batch of `batch` rows hold the same values. */
export function samePixelRows(pixels: Float32Array, batch: number, a: number, b: number): boolean {
  const per = pixels.length / batch;
  for (let k = 0; k < per; k++) if (pixels[a * per + k] !== pixels[b * per + k]) return false;
  return true;
}

/** Resampling taps as parallel arrays: tap t adds `weight[t]` x input `src[t]` to output `out[t]`. */
interface Taps {
  out: Int32Array;
  src: Int32Array;
  weight: Float64Array;
}

/** For each output index, the input indices it overlaps and the overlap fractions (summing to 1). */
function areaWeights(inN: number, outN: number): Taps {
  const out: number[] = [];
  const src: number[] = [];
  const weight: number[] = [];
  const scale = inN / outN;
  for (let o = 0; o < outN; o++) {
    const lo = o * scale;
    const hi = lo + scale;
    for (let s = Math.floor(lo); s < Math.min(inN, Math.ceil(hi)); s++) {
      const overlap = Math.min(hi, s + 1) - Math.max(lo, s);
      if (overlap > 1e-12) {
        out.push(o);
        src.push(s);
        weight.push(overlap / scale);
      }
    }
  }
  return { out: Int32Array.from(out), src: Int32Array.from(src), weight: Float64Array.from(weight) };
}

/**
 * The taps reordered by input index, stably (the taps of one input keep their order), with
 * `start[s]..start[s + 1]` the range of input s: a counting sort, linear in inputs and taps.
 */
function tapsBySource(taps: Taps, inN: number): Taps & { start: Int32Array } {
  const start = new Int32Array(inN + 1);
  for (let t = 0; t < taps.src.length; t++) start[taps.src[t] + 1]++;
  for (let s = 0; s < inN; s++) start[s + 1] += start[s];
  const next = start.slice(0, inN);
  const out = new Int32Array(taps.out.length);
  const src = new Int32Array(taps.src.length);
  const weight = new Float64Array(taps.weight.length);
  for (let t = 0; t < taps.src.length; t++) {
    const at = next[taps.src[t]]++;
    out[at] = taps.out[t];
    src[at] = taps.src[t];
    weight[at] = taps.weight[t];
  }
  return { out, src, weight, start };
}
