// One supervised step for TinyLMM: the SFT training graph (loss and gradients in one ORT run), global
// gradient-norm clipping and AdamW over the model's own Float32Arrays, in place. Same seed, data and
// thread count give bit-identical steps (ORT's kernels are deterministic for a fixed thread count,
// and the optimizer is a plain loop).
import type { EngineSession, HostTensor } from '../../agent/engine/index.js';
import { padBatch } from '../../agent/model/batch.js';
import { parameterSpecs } from '../../agent/model/params.js';
import type { TinyLMM } from '../../agent/model/tinylmm.js';
import { gradName } from '../autodiff/index.js';
import { AdamW, clipGradNorm, lrAt, type Schedule } from '../optim/index.js';
import { buildSftTrainGraph, type TrainGraph } from './train-graphs.js';

export interface SftOptions {
  schedule?: Schedule;
  weightDecay?: number;
  betas?: [number, number];
  /** Global gradient-norm clip (default 1). */
  clip?: number;
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
}

export class SftTrainer {
  private readonly tg: TrainGraph;
  private session?: Promise<EngineSession>;
  private readonly opt: AdamW;
  private readonly schedule: Schedule;
  private readonly clip: number;
  private t = 0;

  constructor(
    readonly model: TinyLMM,
    opts: SftOptions = {},
  ) {
    this.tg = buildSftTrainGraph(model.config);
    const specs = parameterSpecs(model.config);
    this.opt = new AdamW(
      this.tg.params.map((name) => ({ name, data: model.params.get(name)!.data })),
      {
        beta1: opts.betas?.[0] ?? 0.9,
        beta2: opts.betas?.[1] ?? 0.95,
        weightDecay: opts.weightDecay ?? 0.01,
        decay: (name) => !specs.get(name)!.noDecay, // the model knows which tensors are norms/biases/embeddings
      },
    );
    this.schedule = opts.schedule ?? { lr: 1e-3 };
    this.clip = opts.clip ?? 1;
  }

  async step(batch: SftBatch): Promise<SftStepResult> {
    const m = this.model;
    this.session ??= m.session('sft-train', () => this.tg.graph);
    const s = await this.session;
    const b = padBatch(batch.inputIds, 'right');
    const lossMask = new Float32Array(b.batch * b.seq);
    batch.lossMask.forEach((row, i) => row.forEach((v, t) => (lossMask[i * b.seq + t] = v)));
    const feeds: Record<string, HostTensor> = {
      input_ids: b.inputIds,
      attention_mask: b.attentionMask,
      loss_mask: { dtype: 'float32', dims: [b.batch, b.seq], data: lossMask },
      ...m.pixelFeed(b.batch, batch.pixelValues),
      ...m.paramFeeds(),
    };
    const out = await s.run(feeds, ['loss', ...this.tg.params.map(gradName)]);
    const grads = this.tg.params.map((n) => out[gradName(n)].data as Float32Array);
    const gradNorm = clipGradNorm(grads, this.clip);
    const lr = lrAt(this.t, this.schedule);
    this.opt.update(grads, lr);
    this.t++;
    m.step++;
    m.paramsUpdated();
    return { loss: Number(out.loss.data[0]), gradNorm, lr };
  }
}
