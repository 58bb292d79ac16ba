// Rows that share a prompt, laid out for the grouped graphs (graphs.ts, `grouped`): RL samples n
// responses per prompt, and scoring or training them as whole rows runs every prompt n times.
// Consecutive rows with the same prompt (and the same image) form a group; each group's prompt but
// its last token is a left-padded prefix row, and each response becomes a continuation row led by
// that last token. Groups shorter than the longest are filled with padding rows, which score nothing.
import type { HostTensor } from './ops.js';
import { PAD } from './tokenizer.js';

export interface PromptGroups {
  groups: number;
  /** Rows per group (the largest group's size). */
  n: number;
  /** (G, P) int64: prompt without its last token, left-padded; a one-token prompt leaves a padding-only row. */
  prefixIds: HostTensor<'int64'>;
  prefixMask: HostTensor<'int64'>;
  /** (G, N, T) int64: the prompt's last token, then the response, right-padded; T - 1 >= the longest response. */
  inputIds: HostTensor<'int64'>;
  attentionMask: HostTensor<'int64'>;
  /** For each input row, its row in the (G N, T - 1) outputs. */
  rowOf: number[];
  /** For each group, its first input row (whose image is the group's). */
  firstRow: number[];
}

const roundUp = (x: number, multiple: number): number => Math.max(multiple, Math.ceil(x / multiple) * multiple);

/**
 * Groups `promptIds[i]` + `responseIds[i]` rows; `sameImage(i, j)` says whether rows i and j see the
 * same image (default: no images). Padded lengths are rounded up to `multiple` (few shapes).
 */
export function groupByPrompt(
  promptIds: readonly (readonly number[])[],
  responseIds: readonly (readonly number[])[],
  opts: { sameImage?: (i: number, j: number) => boolean; multiple?: number } = {},
): PromptGroups {
  const B = promptIds.length;
  if (B === 0) throw new Error('empty batch');
  if (responseIds.length !== B) throw new Error(`${B} prompts but ${responseIds.length} responses`);
  promptIds.forEach((p, i) => {
    if (p.length === 0) throw new Error(`prompt ${i} is empty: the first response token needs a context`);
  });
  const same = (i: number, j: number): boolean => {
    const a = promptIds[i];
    const b = promptIds[j];
    return a.length === b.length && a.every((t, k) => t === b[k]) && (opts.sameImage?.(i, j) ?? true);
  };
  let firstRow: number[] = [];
  let groupOf: number[] = [];
  let slotOf: number[] = [];
  for (let i = 0; i < B; i++) {
    if (i === 0 || !same(i - 1, i)) firstRow.push(i);
    groupOf.push(firstRow.length - 1);
    slotOf.push(i - firstRow[firstRow.length - 1]);
  }
  // Groups of very different sizes would be mostly padding rows (one group of 8 among singles pads
  // every single to 8): where the tokens computed, prompts once a group plus G x N continuation rows,
  // outnumber those of every row in its own group, every row is its own group.
  const promptLen = Math.max(...promptIds.map((p) => p.length));
  const contLen = 1 + Math.max(...responseIds.map((r) => r.length));
  const tokens = (groups: number, rows: number) => groups * promptLen + rows * contLen;
  if (tokens(firstRow.length, firstRow.length * (Math.max(...slotOf) + 1)) > tokens(B, B)) {
    firstRow = promptIds.map((_, i) => i);
    groupOf = [...firstRow];
    slotOf = firstRow.map(() => 0);
  }
  const G = firstRow.length;
  const N = Math.max(...slotOf) + 1;
  const multiple = opts.multiple ?? 1;
  const P = roundUp(Math.max(...firstRow.map((i) => promptIds[i].length - 1)), multiple);
  const T = 1 + roundUp(Math.max(...responseIds.map((r) => r.length)), multiple);
  const prefixIds = new BigInt64Array(G * P).fill(BigInt(PAD));
  const prefixMask = new BigInt64Array(G * P);
  firstRow.forEach((i, g) => {
    const p = promptIds[i];
    const off = g * P + P - (p.length - 1);
    for (let t = 0; t < p.length - 1; t++) {
      prefixIds[off + t] = BigInt(p[t]);
      prefixMask[off + t] = 1n;
    }
  });
  const inputIds = new BigInt64Array(G * N * T).fill(BigInt(PAD));
  const attentionMask = new BigInt64Array(G * N * T);
  const lead = (row: number, last: number) => {
    inputIds[row * T] = BigInt(last);
    attentionMask[row * T] = 1n;
  };
  // Every row leads with its group's last prompt token, padding rows too (so no row is all padding).
  firstRow.forEach((i, g) => {
    for (let s = 0; s < N; s++) lead(g * N + s, promptIds[i][promptIds[i].length - 1]);
  });
  const rowOf = groupOf.map((g, i) => g * N + slotOf[i]);
  responseIds.forEach((r, i) => {
    const at = rowOf[i] * T + 1;
    for (let t = 0; t < r.length; t++) {
      inputIds[at + t] = BigInt(r[t]);
      attentionMask[at + t] = 1n;
    }
  });
  const t2 = (data: BigInt64Array, dims: number[]): HostTensor<'int64'> => ({ dtype: 'int64', dims, data });
  return {
    groups: G,
    n: N,
    prefixIds: t2(prefixIds, [G, P]),
    prefixMask: t2(prefixMask, [G, P]),
    inputIds: t2(inputIds, [G, N, T]),
    attentionMask: t2(attentionMask, [G, N, T]),
    rowOf,
    firstRow,
  };
}
