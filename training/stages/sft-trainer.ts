// Supervised fine-tuning steps for TinyLMM: next-token cross-entropy on the masked tokens (graph (b)
// with its gradient), through the generic GraphTrainer.
import type { HostTensor } from '../../agent/engine/index.js';
import { padBatch, pixelRows, type TinyLMM } from '../../agent/model/index.js';
import { GraphTrainer, type OptimOptions } from '../trainer/graph-trainer.js';
import { buildSftTrainGraph } from '../trainer/train-graphs.js';

export interface SftOptions extends OptimOptions {
  /**
   * Split a batch whose rows differ much in length into two micro-batches of similar lengths (one
   * update from their summed gradients) when that computes at least 10% fewer padded tokens.
   * Default true; false pads every row to the longest.
   */
  bucketing?: boolean;
}

/** Lengths are padded to multiples of this: ORT plans (and keeps memory) per input shape. */
export const LENGTH_MULTIPLE = 32;
const padded = (n: number): number => Math.ceil(n / LENGTH_MULTIPLE) * LENGTH_MULTIPLE;

/**
 * Rows (by index) in one part, or in two of similar lengths (sorted by length, split where the padded
 * tokens are fewest) when that saves at least 10% of them. A part is run at its longest row's length.
 */
export function lengthBuckets(lengths: readonly number[]): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const n = order.length;
  const whole = n * padded(lengths[order[n - 1]]);
  let best = { cost: whole, at: 0 };
  for (let k = 1; k < n; k++) {
    const cost = k * padded(lengths[order[k - 1]]) + (n - k) * padded(lengths[order[n - 1]]);
    if (cost < best.cost) best = { cost, at: k };
  }
  if (best.at === 0 || best.cost > 0.9 * whole) return [lengths.map((_, i) => i)];
  // Each part keeps the batch's order, so a part's rows are fed as the batch gave them.
  return [order.slice(0, best.at).sort((a, b) => a - b), order.slice(best.at).sort((a, b) => a - b)];
}

export interface SftBatch {
  inputIds: number[][];
  /** Per row, per token: 1 where the token is a training target (typically the response). */
  lossMask: number[][];
  pixelValues?: Float32Array;
}

export interface SftStepResult {
  loss: number;
  gradNorm: number;
  lr: number;
  /** Non-finite gradients: no update was made. */
  skipped: boolean;
}

export class SftTrainer {
  private readonly trainer: GraphTrainer;
  private readonly bucketing: boolean;

  constructor(
    readonly model: TinyLMM,
    opts: SftOptions = {},
  ) {
    this.trainer = new GraphTrainer(model, 'sft', (vision) => buildSftTrainGraph(model.config, { vision }), opts);
    this.bucketing = opts.bucketing ?? true;
  }

  /** The optimizer state (see GraphTrainer.stateTensors / loadState). */
  get optimizer(): GraphTrainer {
    return this.trainer;
  }

  async step(batch: SftBatch): Promise<SftStepResult> {
    const m = this.model;
    m.checkRows(batch.inputIds, !!batch.pixelValues);
    // A longer mask row would spill into the next row's targets of the padded (B, T) mask.
    if (batch.lossMask.length !== batch.inputIds.length) throw new Error(`lossMask has ${batch.lossMask.length} rows for ${batch.inputIds.length} inputIds rows`);
    batch.lossMask.forEach((row, i) => {
      if (row.length !== batch.inputIds[i].length) throw new Error(`lossMask row ${i} has ${row.length} entries for ${batch.inputIds[i].length} tokens`);
    });
    const parts = this.bucketing ? lengthBuckets(batch.inputIds.map((r) => r.length)) : [batch.inputIds.map((_, i) => i)];
    // Each part's share of the batch's loss: the mean over every trained target of the batch.
    const targets = (i: number) => batch.lossMask[i].reduce((a, v, t) => a + (t > 0 ? v : 0), 0);
    const total = Math.max(1, batch.inputIds.reduce((a, _, i) => a + targets(i), 0));
    const feedsOf = (rows: number[]) => {
      const b = padBatch(rows.map((i) => batch.inputIds[i]), 'right', LENGTH_MULTIPLE);
      const lossMask = new Float32Array(b.batch * b.seq);
      rows.forEach((i, r) => batch.lossMask[i].forEach((v, t) => (lossMask[r * b.seq + t] = v)));
      const pixels = batch.pixelValues && pixelRows(batch.pixelValues, batch.inputIds.length, rows);
      // A part without an image row runs the text-only graph.
      const vision = m.usesVision(pixels) && rows.some((i) => batch.inputIds[i].includes(m.tokenizer.imageId));
      const feeds: Record<string, HostTensor> = {
        input_ids: b.inputIds,
        attention_mask: b.attentionMask,
        loss_mask: { dtype: 'float32', dims: [b.batch, b.seq], data: lossMask },
        ...(vision ? m.pixelFeed(b.batch, pixels) : {}),
      };
      return { feeds, vision, weight: parts.length === 1 ? 1 : rows.reduce((a, i) => a + targets(i), 0) / total };
    };
    const { loss, gradNorm, lr, skipped } = await this.trainer.stepOver(parts.map(feedsOf));
    return { loss, gradNorm, lr, skipped };
  }
}
