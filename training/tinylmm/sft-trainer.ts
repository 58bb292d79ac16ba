// Supervised fine-tuning steps for TinyLMM: next-token cross-entropy on the masked tokens (graph (b)
// with its gradient), through the generic GraphTrainer.
import type { HostTensor } from '../../agent/engine/index.js';
import { padBatch } from '../../agent/model/batch.js';
import type { TinyLMM } from '../../agent/model/tinylmm.js';
import { GraphTrainer, type OptimOptions } from './graph-trainer.js';
import { buildSftTrainGraph } from './train-graphs.js';

export type SftOptions = OptimOptions;

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

  constructor(
    readonly model: TinyLMM,
    opts: SftOptions = {},
  ) {
    this.trainer = new GraphTrainer(model, 'sft', (vision) => buildSftTrainGraph(model.config, { vision }), opts);
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
    // Lengths bucketed to multiples of 32: ORT plans (and keeps memory) per input shape.
    const b = padBatch(batch.inputIds, 'right', 32);
    const lossMask = new Float32Array(b.batch * b.seq);
    batch.lossMask.forEach((row, i) => row.forEach((v, t) => (lossMask[i * b.seq + t] = v)));
    const vision = m.usesVision(batch.pixelValues);
    const feeds: Record<string, HostTensor> = {
      input_ids: b.inputIds,
      attention_mask: b.attentionMask,
      loss_mask: { dtype: 'float32', dims: [b.batch, b.seq], data: lossMask },
      ...(vision ? m.pixelFeed(b.batch, batch.pixelValues) : {}),
    };
    const { loss, gradNorm, lr, skipped } = await this.trainer.step(feeds, vision);
    return { loss, gradNorm, lr, skipped };
  }
}
