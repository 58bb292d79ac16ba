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
  /** Train graphs with and without the vision tower: text-only batches skip it entirely. */
  private readonly graphs = new Map<boolean, { tg: TrainGraph; session?: Promise<EngineSession> }>();
  private readonly opt: AdamW;
  private readonly schedule: Schedule;
  private readonly clip: number;
  private t = 0;

  constructor(
    readonly model: TinyLMM,
    opts: SftOptions = {},
  ) {
    const specs = parameterSpecs(model.config);
    this.opt = new AdamW(
      [...specs.keys()].map((name) => ({ name, data: model.params.get(name)!.data })),
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

  private zeroCache = new Map<number, Float32Array>();
  private zeros(n: number): Float32Array {
    let z = this.zeroCache.get(n);
    if (!z) this.zeroCache.set(n, (z = new Float32Array(n)));
    return z.fill(0); // clipping scales gradients in place; keep these zero
  }

  async step(batch: SftBatch): Promise<SftStepResult> {
    const m = this.model;
    const vision = m.usesVision(batch.pixelValues);
    let entry = this.graphs.get(vision);
    if (!entry) {
      const tg = buildSftTrainGraph(m.config, { vision });
      entry = { tg, session: m.session(`sft-train${vision ? '' : '-text'}`, () => tg.graph) };
      this.graphs.set(vision, entry);
    }
    const s = await entry.session!;
    const b = padBatch(batch.inputIds, 'right');
    const lossMask = new Float32Array(b.batch * b.seq);
    batch.lossMask.forEach((row, i) => row.forEach((v, t) => (lossMask[i * b.seq + t] = v)));
    const feeds: Record<string, HostTensor> = {
      input_ids: b.inputIds,
      attention_mask: b.attentionMask,
      loss_mask: { dtype: 'float32', dims: [b.batch, b.seq], data: lossMask },
      ...(vision ? m.pixelFeed(b.batch, batch.pixelValues) : {}),
      ...m.paramFeeds(),
    };
    const names = entry.tg.params;
    const out = await s.run(feeds, ['loss', ...names.map(gradName)]);
    // Parameters outside this graph (the vision tower on text batches, an unused value head) get zero
    // gradients: AdamW still decays them and moves them by their momentum (PyTorch with zeroed, not None, grads).
    const byName = new Map(names.map((n) => [n, out[gradName(n)].data as Float32Array]));
    const grads = this.opt.params.map((p) => byName.get(p.name) ?? this.zeros(p.data.length));
    const gradNorm = clipGradNorm(grads, this.clip);
    const lr = lrAt(this.t, this.schedule);
    this.opt.update(grads, lr);
    this.t++;
    m.step++;
    m.paramsUpdated();
    return { loss: Number(out.loss.data[0]), gradNorm, lr };
  }
}
