// Turning ragged token rows into the padded int64 tensors the graphs take.
import type { HostTensor } from './ops.js';
import type { ImageGrid } from './image.js';
import { IMAGE, IMAGE_ROW, PAD } from './tokenizer.js';

export interface PaddedBatch {
  batch: number;
  seq: number;
  inputIds: HostTensor<'int64'>; // (B, T)
  attentionMask: HostTensor<'int64'>; // (B, T)
  /** Index in the padded row of each row's first real token (0 for right padding). */
  offsets: number[];
}

/**
 * Pads rows with <|pad|> to the longest. Right padding for scoring (positions line up with the
 * rows as given); left padding for generation (every row's last prompt token sits at T-1).
 * `multiple` rounds the padded length up (training buckets its shapes).
 */
export function padBatch(rows: readonly (readonly number[])[], side: 'left' | 'right', multiple = 1): PaddedBatch {
  if (rows.length === 0) throw new Error('empty batch');
  // Rounding the length up to a multiple keeps the shapes a session sees few (ORT plans per shape).
  const seq = Math.ceil(Math.max(...rows.map((r) => r.length)) / multiple) * multiple;
  if (seq === 0) throw new Error('every row is empty');
  const ids = new BigInt64Array(rows.length * seq).fill(BigInt(PAD));
  const mask = new BigInt64Array(rows.length * seq);
  const offsets: number[] = [];
  rows.forEach((r, b) => {
    const off = side === 'left' ? seq - r.length : 0;
    offsets.push(off);
    for (let t = 0; t < r.length; t++) {
      ids[b * seq + off + t] = BigInt(r[t]);
      mask[b * seq + off + t] = 1n;
    }
  });
  return {
    batch: rows.length,
    seq,
    inputIds: { dtype: 'int64', dims: [rows.length, seq], data: ids },
    attentionMask: { dtype: 'int64', dims: [rows.length, seq], data: mask },
    offsets,
  };
}

/**
 * The grid of the one image a row lays out (`expandImageTokens`), or null for a row without one.
 * Throws, naming what is wrong, where the tokens are not whole rows of `<image>` each closed by
 * `<image_row>`, all of one length, in one run: the graphs read an image's grid off these tokens.
 */
export function imageLayout(row: readonly number[]): ImageGrid | null {
  const first = row.findIndex((id) => id === IMAGE || id === IMAGE_ROW);
  if (first < 0) return null;
  let rows = 0;
  let cols = -1;
  let at = first;
  while (at < row.length && row[at] === IMAGE) {
    let n = 0;
    while (at < row.length && row[at] === IMAGE) (n++, at++);
    if (row[at] !== IMAGE_ROW) throw new Error('an image row of <image> tokens is not closed by <image_row>');
    if (cols >= 0 && n !== cols) throw new Error(`image rows differ in length (${cols} and ${n} patches)`);
    cols = n;
    rows++;
    at++;
  }
  if (rows === 0) throw new Error('<image_row> without <image> tokens before it');
  if (row.slice(at).some((id) => id === IMAGE || id === IMAGE_ROW)) throw new Error('a row holds more than one image (or image tokens out of place)');
  return { rows, cols };
}

/** Each row must carry no image, or one image of at most `maxPatches` patches laid out as `imageLayout` reads it. */
export function checkImageTokens(rows: readonly (readonly number[])[], maxPatches: number, hasPixels: boolean): void {
  rows.forEach((r, b) => {
    let grid: ImageGrid | null;
    try {
      grid = imageLayout(r);
    } catch (e) {
      throw new Error(`row ${b}: ${(e as Error).message} (use model.encodePrompt or expandImageTokens)`);
    }
    if (!grid) return;
    if (maxPatches === 0) throw new Error(`row ${b} has <image> tokens but the model has no vision tower`);
    if (grid.rows * grid.cols > maxPatches) throw new Error(`row ${b} has an image of ${grid.rows}x${grid.cols} patches; the model reads at most ${maxPatches}`);
    if (!hasPixels) throw new Error(`row ${b} has <image> tokens but no pixelValues were given`);
  });
}
