// The RL losses over graph (a)'s per-token log-probs, as one training graph each:
//
//   ratio_t  = exp(logp_t - old_logp_t)
//   pg_t     = -min(ratio_t A_t, clip(ratio_t, 1 - eps, 1 + eps) A_t)         (PPO-clip surrogate)
//   k3_t     = exp(ref_t - logp_t) - (ref_t - logp_t) - 1                      (KL as a loss, optional)
//   vf_t     = 0.5 max((V_t - R_t)^2, (clip(V_t, oldV_t - eps_v, oldV_t + eps_v) - R_t)^2)   (PPO only)
//   loss     = sum_t mask_t (pg_t + kl_coef k3_t + vf_coef vf_t) / sum_t mask_t   (token-level mean)
//
// mask_t is 1 on the model's own response tokens only: never the prompt, the environment's text
// or padding. On the first pass over fresh samples (`fresh` = 1) the old log-probs are the graph's
// own, held constant (stop-gradient): the ratio is exactly 1 and the surrogate's gradient is the
// policy gradient A_t grad logp_t. Later passes read old_logprobs, the values that first pass
// returned, so that every pass compares with the same policy, bit for bit.
//
// `batchFeeds` lays a mini-batch of samples out as the graph's inputs, by prompt groups: a group's
// prompt runs once for the samples that follow it.
import { groupByPrompt, type ModelConfig, type TinyLMM } from '../../agent/model/index.js';
import { Add, Cast, Div, Exp, Greater, Identity, Less, Max, Min, Mul, Neg, Or, ReduceSum, Sub, Where, type HostTensor, type Value } from '../../agent/engine/index.js';
import type { Sample } from '../tasks/index.js';
import { buildLogprobTrainGraph, type TrainGraph } from '../trainer/train-graphs.js';

export interface LossConfig {
  /** PPO clip range of the ratio (default 0.2). */
  clip: number;
  /** Coefficient of the k3 KL loss against the reference (0: none, e.g. when k1 is in the reward). */
  klLoss: number;
  /** Value-loss coefficient; > 0 adds the value head (PPO). */
  valueCoef: number;
  /** Clip range of the value update (PPO's value clipping). */
  valueClip: number;
}

/** A key naming a loss's graph, for the model's session cache. */
export function lossKey(c: LossConfig): string {
  return `rl-c${c.clip}-k${c.klLoss}-v${c.valueCoef}-${c.valueClip}`;
}

const sum = (x: Value) => ReduceSum(x, undefined, { keepdims: 0 });

export function buildRlTrainGraph(config: ModelConfig, c: LossConfig, vision: boolean): TrainGraph {
  const values = c.valueCoef > 0;
  return buildLogprobTrainGraph(
    config,
    (g) => {
      const lp = g.logprobs; // (B, W): rows of prompt groups, a column per response token
      const seq: [string, string] = ['rows', 'response'];
      const fresh = g.graph.input('fresh', 'bool', []);
      const frozen = Identity(lp); // a constant copy of logp: see `constants` below
      const old = Where(fresh, frozen, g.graph.input('old_logprobs', 'float32', seq));
      const adv = g.graph.input('advantages', 'float32', seq);
      const mask = g.graph.input('action_mask', 'float32', seq);
      const count = Max(sum(mask), 1);
      const ratio = Exp(Sub(lp, old));
      const clipped = Min(Max(ratio, 1 - c.clip), 1 + c.clip);
      const pg = Neg(Min(Mul(ratio, adv), Mul(clipped, adv)));
      let perToken = pg;
      const aux: Record<string, Value> = {};
      if (c.klLoss > 0) {
        const ref = g.graph.input('ref_logprobs', 'float32', seq);
        const d = Sub(ref, lp);
        const k3 = Sub(Sub(Exp(d), d), 1);
        perToken = Add(perToken, Mul(k3, c.klLoss));
        aux.kl_k3 = Div(sum(Mul(k3, mask)), count);
      }
      if (values) {
        const v = g.actionValues!; // (B, W): the value where each token is chosen
        const oldV = g.graph.input('old_values', 'float32', seq);
        const ret = g.graph.input('returns', 'float32', seq);
        const vClip = Add(oldV, Min(Max(Sub(v, oldV), -c.valueClip), c.valueClip));
        const e1 = Sub(v, ret);
        const e2 = Sub(vClip, ret);
        const vf = Mul(Max(Mul(e1, e1), Mul(e2, e2)), 0.5);
        perToken = Add(perToken, Mul(vf, c.valueCoef));
        aux.value_loss = Div(sum(Mul(vf, mask)), count);
      }
      const loss = Div(sum(Mul(perToken, mask)), count);
      const wasClipped = Cast(Or(Greater(ratio, 1 + c.clip), Less(ratio, 1 - c.clip)), 'float32');
      aux.clip_frac = Div(sum(Mul(wasClipped, mask)), count);
      aux.pg_loss = Div(sum(Mul(pg, mask)), count);
      aux.ratio_mean = Div(sum(Mul(ratio, mask)), count);
      return { loss, aux, constants: new Set([frozen]) };
    },
    { vision, values, grouped: true },
  );
}

/** The samples' frames as one (B, 3, S, S) batch (zeros for a sample without one), or undefined for text. */
export function samplePixels(samples: readonly Pick<Sample, 'pixels'>[]): Float32Array | undefined {
  const first = samples.find((s) => s.pixels)?.pixels;
  if (!first) return undefined;
  const per = first.length;
  const out = new Float32Array(samples.length * per);
  samples.forEach((s, i) => s.pixels && out.set(s.pixels, i * per));
  return out;
}

/**
 * The feeds of one mini-batch, laid out by prompt groups (agent/model/prompt-groups.ts). Per output
 * row and response position, (G N, W): the advantage and a mask that is 1 exactly on the row's
 * response tokens (padding rows and positions score 0). Lengths are padded to multiples of
 * `multiple`, so the sessions see few shapes.
 */
export function batchFeeds(
  model: TinyLMM,
  samples: readonly Sample[],
  advantages: readonly (readonly number[])[],
  multiple: number,
  extra: { old?: Float32Array | null; returns?: readonly (readonly number[])[]; values?: readonly (readonly number[])[]; ref?: readonly (readonly number[])[] } = {},
): { feeds: Record<string, HostTensor>; vision: boolean; tokens: number; rowOf: readonly number[] } {
  const hasImages = samples.some((s) => s.pixels);
  model.checkRows(samples.map((s) => [...s.promptIds, ...s.response]), hasImages);
  // Samples of one prompt share one pixel array (Sample.pixels): that, not equal values, makes a group.
  const groups = groupByPrompt(samples.map((s) => s.promptIds), samples.map((s) => s.response), { sameImage: (i, j) => samples[i].pixels === samples[j].pixels, multiple });
  const B = groups.groups * groups.n;
  const W = groups.inputIds.dims[2] - 1;
  const f32 = () => new Float32Array(B * W);
  const adv = f32();
  const mask = f32();
  const ret = extra.returns ? f32() : null;
  const vals = extra.values ? f32() : null;
  const ref = extra.ref ? f32() : null;
  samples.forEach((s, b) => {
    s.response.forEach((_, j) => {
      const at = groups.rowOf[b] * W + j;
      mask[at] = 1;
      adv[at] = advantages[b][j];
      if (ret) ret[at] = extra.returns![b][j];
      if (vals) vals[at] = extra.values![b][j];
      if (ref) ref[at] = extra.ref![b][j];
    });
  });
  const t = (data: Float32Array): HostTensor => ({ dtype: 'float32', dims: [B, W], data });
  // One image per group: its samples share their prompt's frame.
  const pixels = hasImages && model.config.vision ? samplePixels(groups.firstRow.map((i) => samples[i])) : undefined;
  const feeds: Record<string, HostTensor> = {
    ...model.groupFeeds(groups, pixels),
    fresh: { dtype: 'bool', dims: [], data: Uint8Array.of(extra.old ? 0 : 1) },
    old_logprobs: t(extra.old && extra.old.length === B * W ? extra.old : f32()),
    advantages: t(adv),
    action_mask: t(mask),
    ...(ret ? { returns: t(ret) } : {}),
    ...(vals ? { old_values: t(vals) } : {}),
    ...(ref ? { ref_logprobs: t(ref) } : {}),
  };
  return { feeds, vision: model.usesVision(pixels), tokens: samples.reduce((a, s) => a + s.promptIds.length + s.response.length, 0), rowOf: groups.rowOf };
}
