// AdamW (Loshchilov & Hutter) over Float32Arrays, updating parameters in place: the arrays the
// training and sampling graphs are fed from. Measured 2026-11-25, 4M parameters, 2 shared cores:
// this loop 37-46 ms per step, an in-graph update (p, g, m, v in; p, m, v out, 2 threads) 40-76 ms,
// its three 16 MB outputs having to be copied back. So the copy-free in-place loop is used. The update order and formulas follow PyTorch's torch.optim.AdamW.
// A parameter given no gradient (null) in a step is skipped entirely, as PyTorch skips parameters whose
// .grad is None: no decay, no moment update, no step counted. So each parameter keeps its own step
// count for bias correction (PyTorch's per-parameter state['step']): a vision tower first trained at
// global step 100 is bias-corrected as at its own step 1.

export interface Param {
  name: string;
  data: Float32Array;
}

export interface AdamWConfig {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay coefficient (multiplied by the learning rate, as in AdamW). */
  weightDecay?: number;
  /** Which parameters decay; default `defaultDecay` (not norms, biases, embeddings). */
  decay?: (name: string) => boolean;
}

/** Names of norm gains, biases and embeddings (token or position) do not decay. */
export const defaultDecay = (name: string): boolean => !/norm|bias|emb|wte|wpe|(^|[._])(ln|b)\d*($|[._])/i.test(name);

export interface AdamWState {
  /** Update calls made (the optimizer's global step). */
  step: number;
  /** Updates each parameter received, by name; absent (older states): every parameter at `step`. */
  steps?: Record<string, number>;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

export class AdamW {
  private t = 0;
  /** Per-parameter step counts (bias correction): updates parameter i actually received. */
  private readonly steps: number[];
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private readonly decays: boolean[];
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(readonly params: readonly Param[], cfg: AdamWConfig = {}) {
    this.beta1 = cfg.beta1 ?? 0.9;
    this.beta2 = cfg.beta2 ?? 0.999;
    this.eps = cfg.eps ?? 1e-8;
    this.weightDecay = cfg.weightDecay ?? 0.01;
    const decay = cfg.decay ?? defaultDecay;
    this.m = params.map((p) => new Float32Array(p.data.length));
    this.v = params.map((p) => new Float32Array(p.data.length));
    this.decays = params.map((p) => decay(p.name));
    this.steps = params.map(() => 0);
  }

  /** Update calls made so far, with or without gradients for every parameter. */
  get step(): number {
    return this.t;
  }

  /** Updates the parameter at `i` has received (its bias-correction step). */
  paramStep(i: number): number {
    return this.steps[i];
  }

  /** Whether the parameter at `i` gets weight decay. */
  decaysParam(i: number): boolean {
    return this.decays[i];
  }

  /**
   * One update with learning rate `lr`; `grads[i]` belongs to `params[i]`, `null` for a parameter
   * without a gradient this step (left untouched: no decay, no moments, its step count unchanged).
   * `gradScale` multiplies every gradient first (global-norm clipping folded in, saving a pass over
   * the gradients).
   */
  update(grads: readonly (Float32Array | null)[], lr: number, gradScale = 1): void {
    if (grads.length !== this.params.length) throw new Error(`AdamW: ${grads.length} gradients for ${this.params.length} parameters`);
    grads.forEach((g, k) => {
      const p = this.params[k];
      if (g && g.length !== p.data.length) throw new Error(`AdamW: gradient of '${p.name}' has ${g.length} elements, parameter ${p.data.length}`);
    });
    const { beta1: b1, beta2: b2, eps } = this;
    this.t += 1;
    // Constants hoisted out of the loop: it runs once per parameter, millions of times a step.
    const c1 = (1 - b1) * gradScale;
    const c2 = (1 - b2) * gradScale * gradScale;
    for (let k = 0; k < this.params.length; k++) {
      const g = grads[k];
      if (!g) continue;
      const t = (this.steps[k] += 1);
      const stepSize = lr / (1 - b1 ** t);
      const invSqrtBc2 = 1 / Math.sqrt(1 - b2 ** t);
      const w = this.params[k].data;
      const m = this.m[k];
      const v = this.v[k];
      const keep = this.decays[k] ? 1 - lr * this.weightDecay : 1;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const mi = b1 * m[i] + c1 * gi;
        const vi = b2 * v[i] + c2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i] * keep - (stepSize * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
      }
    }
  }

  /** The moments and step count, by parameter name (what a checkpoint stores). */
  state(): AdamWState {
    const byName = (arrs: Float32Array[]) => Object.fromEntries(this.params.map((p, i) => [p.name, arrs[i]]));
    const steps = Object.fromEntries(this.params.map((p, i) => [p.name, this.steps[i]]));
    return { step: this.t, steps, m: byName(this.m), v: byName(this.v) };
  }

  /**
   * Restores `state()` output; names and sizes must match. A state without `steps` (saved before
   * per-parameter steps existed, when every parameter was updated each step) puts every parameter at
   * `step`.
   */
  load(state: AdamWState): void {
    const isCount = (x: number | undefined): x is number => x !== undefined && Number.isInteger(x) && x >= 0;
    if (!isCount(state.step)) throw new Error(`AdamW.load: step ${state.step} is not a step count`);
    const steps = this.params.map((p) => {
      if (!state.steps) return state.step;
      const s = state.steps[p.name];
      if (!isCount(s) || s > state.step) throw new Error(`AdamW.load: step of '${p.name}' is ${s}, not a count up to ${state.step}`);
      return s;
    });
    this.params.forEach((p, i) => {
      const m = state.m[p.name];
      const v = state.v[p.name];
      if (!m || !v || m.length !== p.data.length || v.length !== p.data.length) {
        throw new Error(`AdamW.load: missing or mis-sized moments for '${p.name}'`);
      }
      this.m[i].set(m);
      this.v[i].set(v);
    });
    this.t = state.step;
    steps.forEach((s, i) => (this.steps[i] = s));
  }
}
