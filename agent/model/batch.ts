// Turning ragged token rows into the padded int64 tensors the graphs take.
import type { HostTensor } from './ops.js';
import { IMAGE, PAD } from './tokenizer.js';

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

/** Each row must carry no image, or exactly one image's worth of <image> tokens. */
export function checkImageTokens(rows: readonly (readonly number[])[], perImage: number, hasPixels: boolean): void {
  rows.forEach((r, b) => {
    const n = r.reduce((acc, id) => acc + (id === IMAGE ? 1 : 0), 0);
    if (n === 0) return;
    if (perImage === 0) throw new Error(`row ${b} has <image> tokens but the model has no vision tower`);
    if (n !== perImage) {
      throw new Error(`row ${b} has ${n} <image> tokens; an image takes exactly ${perImage} (use model.encodePrompt or expandImageTokens)`);
    }
    if (!hasPixels) throw new Error(`row ${b} has <image> tokens but no pixelValues were given`);
  });
}
