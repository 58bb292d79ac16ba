// One optimisation step over any TinyLMM training graph: run the graph (loss, auxiliary outputs and
// gradients in one ORT call), clip the global gradient norm, AdamW over the model's own Float32Arrays
// in place. SFT uses it with the cross-entropy graph; RL stages with their own losses over graph (a).
// Same seed, data and thread count give bit-identical steps (ORT's kernels are deterministic for a
// fixed thread count, and the optimizer is a plain loop).
import type { HostTensor } from '../../agent/engine/index.js';
import { parameterSpecs, type Params, type NamedTensor, type TinyLMM } from '../../agent/model/index.js';
import { gradName } from '../autodiff/index.js';
import { AdamW, lrAt, type Schedule } from '../optim/index.js';
import type { TrainGraph } from './train-graphs.js';

export interface OptimOptions {
  schedule?: Schedule;
  weightDecay?: number;
  betas?: [number, number];
  /** Global gradient-norm clip (default 1). */
  clip?: number;
}

export interface StepResult {
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  lr: number;
  /** The auxiliary outputs asked for. */
  aux: Record<string, HostTensor>;
  /** True when the gradients were not finite and no update was made (parameters unchanged). */
  skipped: boolean;
}

export class GraphTrainer {
  /** Train graphs with and without the vision tower: text-only batches skip it entirely. */
  private readonly graphs = new Map<boolean, TrainGraph>();
  private readonly opt: AdamW;
  private t = 0;

  constructor(
    readonly model: TinyLMM,
    /** A key naming the loss (sessions are cached on the model under it) and its graph builder. */
    private readonly key: string,
    private readonly build: (vision: boolean) => TrainGraph,
    private readonly opts: OptimOptions = {},
  ) {
    const specs = parameterSpecs(model.config);
    this.opt = new AdamW(
      [...specs.keys()].map((name) => ({ name, data: model.params.get(name)!.data })),
      {
        beta1: opts.betas?.[0] ?? 0.9,
        beta2: opts.betas?.[1] ?? 0.95,
        weightDecay: opts.weightDecay ?? 0.01,
        decay: (name) => !specs.get(name)!.noDecay, // the model knows its norms, biases and embeddings
      },
    );
  }

  /** Optimizer steps taken so far (drives the learning-rate schedule). */
  get steps(): number {
    return this.t;
  }

  /** `feeds` holds the batch inputs (not the parameters); `vision` picks the graph with the vision tower. */
  async step(feeds: Record<string, HostTensor>, vision: boolean, aux: readonly string[] = []): Promise<StepResult> {
    return this.stepOver([{ feeds, vision, weight: 1 }], aux);
  }

  /**
   * One update from the gradients of several parts of a batch (micro-batches of similar lengths, so
   * that short rows are not padded to the longest): gradient and loss are the parts' sums with the
   * given weights (each part's share of the batch's loss), the norm is taken over the sum. One part
   * is exactly `step`. The auxiliary outputs are the first part's.
   */
  async stepOver(parts: ReadonlyArray<{ feeds: Record<string, HostTensor>; vision: boolean; weight: number }>, aux: readonly string[] = []): Promise<StepResult> {
    if (parts.length === 0) throw new Error('stepOver: no parts');
    const m = this.model;
    let loss = 0;
    let normSq = 0;
    let auxOut: Record<string, HostTensor> = {};
    let byName = new Map<string, Float32Array>();
    for (const [i, part] of parts.entries()) {
      const tg = this.graphs.get(part.vision) ?? this.build(part.vision);
      this.graphs.set(part.vision, tg);
      const names = tg.params;
      // Leased for this run only (the model caches the session), so model.dispose() never frees it mid-step.
      const lease = m.lease(`${this.key}-train${part.vision ? '' : '-text'}`, () => tg.graph);
      const out = await m.run(lease, { ...part.feeds, ...m.paramFeeds() }, ['loss', 'grad_norm_sq', ...aux, ...names.map(gradName)]);
      loss += part.weight * Number(out.loss.data[0]);
      if (i === 0) auxOut = Object.fromEntries(aux.map((k) => [k, out[k]]));
      if (parts.length === 1) {
        byName = new Map(names.map((n) => [n, out[gradName(n)].data as Float32Array]));
        normSq = Number(out.grad_norm_sq.data[0]); // from the graph: no pass over the gradients here
        continue;
      }
      for (const n of names) {
        const g = out[gradName(n)].data as Float32Array;
        const acc = byName.get(n) ?? new Float32Array(g.length);
        for (let k = 0; k < g.length; k++) acc[k] += part.weight * g[k];
        byName.set(n, acc);
      }
    }
    if (parts.length > 1) for (const g of byName.values()) for (let k = 0; k < g.length; k++) normSq += g[k] * g[k];
    // Parameters outside every part's graph (the vision tower on text batches, an unused value head)
    // get no gradient (null): AdamW leaves them untouched, no decay, no momentum, their own step count
    // unchanged (PyTorch with .grad None).
    const grads = this.opt.params.map((p) => byName.get(p.name) ?? null);
    // Global-norm clipping (as torch.nn.utils.clip_grad_norm_).
    const gradNorm = Math.sqrt(normSq);
    if (!Number.isFinite(gradNorm)) {
      // A NaN/inf gradient would poison every parameter through AdamW's moments: skip the update.
      return { loss, gradNorm, lr: lrAt(this.t, this.opts.schedule ?? { lr: 1e-3 }), aux: auxOut, skipped: true };
    }
    const maxNorm = this.opts.clip ?? 1;
    const scale = gradNorm > maxNorm ? maxNorm / (gradNorm + 1e-6) : 1;
    const lr = lrAt(this.t, this.opts.schedule ?? { lr: 1e-3 });
    this.opt.update(grads, lr, scale);
    this.t++;
    m.step++;
    m.paramsUpdated();
    return { loss, gradNorm, lr, aux: auxOut, skipped: false };
  }

  /**
   * Optimizer state as named tensors, for `saveModel(model, dir, { state })`: `trainer.step`, and per
   * parameter its moments `adamw.m.<name>`, `adamw.v.<name>` and its own step count `adamw.step.<name>`
   * (updates it received; float32 holds counts exactly up to 2^24).
   */
  stateTensors(): Params {
    const st = this.opt.state();
    const out: Params = new Map([['trainer.step', { shape: [1], data: Float32Array.of(this.t) }]]);
    for (const [name, s] of Object.entries(st.steps ?? {})) out.set(`adamw.step.${name}`, { shape: [1], data: Float32Array.of(s) });
    for (const [name, m] of Object.entries(st.m)) out.set(`adamw.m.${name}`, { shape: [m.length], data: m });
    for (const [name, v] of Object.entries(st.v)) out.set(`adamw.v.${name}`, { shape: [v.length], data: v });
    return out;
  }

  /**
   * Restores `stateTensors()` (from `loadCheckpoint(dir).state`): resuming continues the same run.
   * States saved before per-parameter steps (no `adamw.step.*`) put every parameter at `trainer.step`,
   * which is what they were: every parameter was updated (with zero gradients if need be) each step.
   */
  loadState(state: ReadonlyMap<string, NamedTensor>): void {
    const step = state.get('trainer.step');
    if (!step) throw new Error('training state has no trainer.step');
    if (!Number.isInteger(step.data[0]) || step.data[0] < 0) throw new Error(`training state: trainer.step ${step.data[0]} is not a step count`);
    const pick = (prefix: string) =>
      Object.fromEntries(this.opt.params.map((p) => [p.name, state.get(`${prefix}${p.name}`)?.data ?? new Float32Array(0)]));
    const stepOf = (name: string): number | undefined => state.get(`adamw.step.${name}`)?.data[0];
    const have = this.opt.params.filter((p) => stepOf(p.name) !== undefined).length;
    if (have !== 0 && have !== this.opt.params.length) {
      throw new Error(`training state has per-parameter steps for ${have} of ${this.opt.params.length} parameters`);
    }
    const steps = have === 0 ? undefined : Object.fromEntries(this.opt.params.map((p) => [p.name, stepOf(p.name)!]));
    this.opt.load({ step: step.data[0], steps, m: pick('adamw.m.'), v: pick('adamw.v.') });
    this.t = step.data[0];
  }
}
