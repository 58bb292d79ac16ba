// Image preprocessing: RGBA pixels (what our renderers and canvases produce) to the float tensor the
// vision tower reads, [3, S, S] in [-1, 1]. Pure arithmetic in a fixed order, so the same image gives
// bit-identical inputs on every machine.

export interface RGBAImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major RGBA. */
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * Area resampling to `size` x `size` (each output pixel averages the input rectangle it covers, with
 * fractional weights at the edges): no aliasing when shrinking frames, plain replication when growing.
 * Alpha is ignored: frames are opaque, and compositing over any colour would be an arbitrary choice.
 */
export function preprocessImage(img: RGBAImage, size: number, out?: Float32Array, offset = 0): Float32Array {
  const { width: w, height: h, data } = img;
  if (!(Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0) || data?.length !== w * h * 4) {
    throw new Error(`bad RGBA image: ${w}x${h} with ${data?.length} bytes (want positive integer sides and width * height * 4 bytes)`);
  }
  const dst = out ?? new Float32Array(3 * size * size);
  const wx = areaWeights(w, size);
  // The vertical taps grouped by input row, so each row finds its own in constant time (scanning
  // all of them for every row made tall images quadratic). The order within a row is kept: each
  // output cell still sums its contributions in the same order, so the floats are the same.
  const wy = tapsBySource(areaWeights(h, size), h);
  const row = new Float64Array(size * 3); // one resampled input row, RGB
  const acc = new Float64Array(size * size * 3);
  for (let y = 0; y < h; y++) {
    const first = wy.start[y];
    const end = wy.start[y + 1];
    if (first === end) continue; // a row no output overlaps adds nothing
    row.fill(0);
    for (let t = 0; t < wx.out.length; t++) {
      const ox = wx.out[t];
      const weight = wx.weight[t];
      const p = (y * w + wx.src[t]) * 4;
      row[ox * 3] += weight * data[p];
      row[ox * 3 + 1] += weight * data[p + 1];
      row[ox * 3 + 2] += weight * data[p + 2];
    }
    for (let t = first; t < end; t++) {
      const oy = wy.out[t];
      const weight = wy.weight[t];
      for (let i = 0; i < size * 3; i++) acc[oy * size * 3 + i] += weight * row[i];
    }
  }
  const plane = size * size;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) dst[offset + c * plane + p] = acc[p * 3 + c] / 127.5 - 1; // [0,255] -> [-1,1]
  }
  return dst;
}

/**
 * Several images into one [n, 3, S, S] batch; `null` rows (text-only) stay zero. An image object
 * given for several rows (n samples of one prompt) is resampled once and copied.
 */
export function preprocessBatch(images: ReadonlyArray<RGBAImage | null>, size: number): Float32Array {
  const per = 3 * size * size;
  const out = new Float32Array(images.length * per);
  const done = new Map<RGBAImage, number>();
  images.forEach((img, i) => {
    if (!img) return;
    const at = done.get(img);
    if (at === undefined) {
      preprocessImage(img, size, out, i * per);
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
