// From scored samples to one policy update: per-token advantages (the estimator, with the k1 KL
// penalty folded into the per-token reward), the masks that keep the prompt and padding out of the
// loss, and the PPO-clip passes over mini-batches.
import type { TinyLMM } from '../../agent/index.js';
import type { HostTensor } from '../../agent/engine/index.js';
import { preprocessBatch } from '../../agent/model/image.js';
import { groupByPrompt } from '../../agent/model/prompt-groups.js';
import { GraphTrainer } from '../tinylmm/graph-trainer.js';
import { gae, groupAdvantages, tokenReturns, tokenRewards, whiten, type Estimator } from './advantages.js';
import { klK1 } from './kl.js';
import type { LossConfig } from './loss.js';
import type { Sample } from './rollout.js';

export interface AdvantageConfig {
  estimator: Estimator;
  /** Coefficient of k1 KL in the per-token reward (0: none). */
  klReward: number;
  gamma: number;
  lambda: number;
}

/** Sizes of the consecutive groups of `samples` (by `group`). */
export function groupSizesOf(samples: readonly Sample[]): number[] {
  const sizes: number[] = [];
  samples.forEach((s, i) => {
    if (i === 0 || s.group !== samples[i - 1].group) sizes.push(1);
    else sizes[sizes.length - 1]++;
  });
  return sizes;
}

/** Reward minus its group's mean (REINFORCE++-baseline's baseline, before the batch whitening). */
function groupCentred(rewards: readonly number[], sizes: readonly number[]): number[] {
  const out: number[] = [];
  let start = 0;
  for (const n of sizes) {
    const g = rewards.slice(start, start + n);
    const mean = g.reduce((a, x) => a + x, 0) / n;
    for (const r of g) out.push(r - mean);
    start += n;
  }
  return out;
}

/**
 * Per-token advantages (and PPO's returns) of each sample. `refLogprobs` (the frozen reference's
 * log-probs of the same tokens) is needed when klReward > 0; `values` (the value head's, before
 * the update) for PPO.
 */
export function tokenAdvantages(
  samples: readonly Sample[],
  cfg: AdvantageConfig,
  refLogprobs?: readonly (readonly number[])[],
  values?: readonly (readonly number[])[],
): { advantages: number[][]; returns?: number[][] } {
  const rewards = samples.map((s) => s.scored.reward);
  const sizes = groupSizesOf(samples);
  const kl = samples.map((s, i) => (cfg.klReward > 0 && refLogprobs ? klK1(s.logprobs, refLogprobs[i]) : s.response.map(() => 0)));
  if (cfg.estimator === 'ppo') {
    if (!values) throw new Error('ppo needs the value head\'s values of the samples');
    const out = samples.map((s, i) => gae(tokenRewards(rewards[i], kl[i], cfg.klReward), values[i], cfg.gamma, cfg.lambda));
    // Advantages whitened over every token of the batch, as OpenRLHF does for PPO.
    return { advantages: reshapeLike(whiten(out.flatMap((o) => o.advantages)), out.map((o) => o.advantages)), returns: out.map((o) => o.returns) };
  }
  if (cfg.estimator === 'reinforce_baseline') {
    // OpenRLHF's REINFORCE++-baseline: group-mean baseline, KL in the per-token reward, returns,
    // then whitening over every response token of the batch.
    const centred = groupCentred(rewards, sizes);
    const ret = samples.map((_, i) => tokenReturns(centred[i], kl[i], cfg.klReward));
    return { advantages: reshapeLike(whiten(ret.flat()), ret) };
  }
  const seq = groupAdvantages(rewards, sizes, cfg.estimator);
  return { advantages: samples.map((_, i) => tokenReturns(seq[i], kl[i], cfg.klReward)) };
}

function reshapeLike(flat: readonly number[], like: readonly (readonly number[])[]): number[][] {
  let k = 0;
  return like.map((row) => row.map(() => flat[k++]));
}

export interface UpdateConfig {
  epochs: number;
  miniBatches: number;
  loss: LossConfig;
  /** Padded prompt and response lengths are rounded up to this multiple (few shapes, bounded session memory). */
  seqMultiple: number;
}

export interface UpdateStats {
  loss: number;
  gradNorm: number;
  lr: number;
  clipFrac: number;
  ratioMean: number;
  /** The first pass's ratio: exactly 1 by construction (see loss.ts). */
  firstRatio: number;
  valueLoss?: number;
  klLoss?: number;
  trainMs: number;
  trainTokens: number;
  skipped: number;
}

/** Runs the passes over the samples' mini-batches; the parameters change in place. */
export async function policyUpdate(
  trainer: GraphTrainer,
  model: TinyLMM,
  samples: readonly Sample[],
  adv: { advantages: number[][]; returns?: number[][] },
  cfg: UpdateConfig,
  extra: { refLogprobs?: readonly (readonly number[])[]; values?: readonly (readonly number[])[] } = {},
): Promise<UpdateStats> {
  const t0 = performance.now();
  const n = samples.length;
  const per = Math.ceil(n / cfg.miniBatches);
  const batches = Array.from({ length: cfg.miniBatches }, (_, b) => Array.from({ length: Math.min(per, n - b * per) }, (_, i) => b * per + i)).filter((b) => b.length > 0);
  // The old policy's log-probs per sample, read from each mini-batch's first pass (see loss.ts).
  const oldLogprobs: (Float32Array | null)[] = batches.map(() => null);
  const acc = { loss: 0, gradNorm: 0, lr: 0, clip: 0, ratio: 0, value: 0, kl: 0, count: 0, tokens: 0, skipped: 0, first: Number.NaN };
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    for (const [b, rows] of batches.entries()) {
      const feeds = batchFeeds(model, rows.map((i) => samples[i]), rows.map((i) => adv.advantages[i]), cfg.seqMultiple, {
        old: oldLogprobs[b],
        returns: adv.returns ? rows.map((i) => adv.returns![i]) : undefined,
        values: extra.values ? rows.map((i) => extra.values![i]) : undefined,
        ref: cfg.loss.klLoss > 0 && extra.refLogprobs ? rows.map((i) => extra.refLogprobs![i]) : undefined,
      });
      const aux = ['logprobs', 'clip_frac', 'ratio_mean', ...(cfg.loss.klLoss > 0 ? ['kl_k3'] : []), ...(cfg.loss.valueCoef > 0 ? ['value_loss'] : [])];
      const r = await trainer.step(feeds.feeds, feeds.vision, aux);
      if (oldLogprobs[b] === null) oldLogprobs[b] = r.aux.logprobs.data as Float32Array;
      const num = (k: string) => Number(r.aux[k]?.data[0] ?? 0);
      if (Number.isNaN(acc.first)) acc.first = num('ratio_mean');
      acc.loss += r.loss;
      acc.gradNorm += r.gradNorm;
      acc.lr = r.lr;
      acc.clip += num('clip_frac');
      acc.ratio += num('ratio_mean');
      acc.value += num('value_loss');
      acc.kl += num('kl_k3');
      acc.count++;
      acc.tokens += feeds.tokens;
      acc.skipped += r.skipped ? 1 : 0;
    }
  }
  const c = Math.max(1, acc.count);
  return {
    loss: acc.loss / c,
    gradNorm: acc.gradNorm / c,
    lr: acc.lr,
    clipFrac: acc.clip / c,
    ratioMean: acc.ratio / c,
    firstRatio: acc.first,
    ...(cfg.loss.valueCoef > 0 ? { valueLoss: acc.value / c } : {}),
    ...(cfg.loss.klLoss > 0 ? { klLoss: acc.kl / c } : {}),
    trainMs: performance.now() - t0,
    trainTokens: acc.tokens,
    skipped: acc.skipped,
  };
}

/**
 * The feeds of one mini-batch, laid out by prompt groups (agent/model/prompt-groups.ts): a group's
 * prompt runs once for its samples. Per output row and response position, (G N, W), the advantage
 * and a mask that is 1 exactly on the row's response tokens (padding rows and positions score 0).
 */
export function batchFeeds(
  model: TinyLMM,
  samples: readonly Sample[],
  advantages: readonly (readonly number[])[],
  multiple: number,
  extra: { old?: Float32Array | null; returns?: readonly (readonly number[])[]; values?: readonly (readonly number[])[]; ref?: readonly (readonly number[])[] } = {},
): { feeds: Record<string, HostTensor>; vision: boolean; tokens: number; rowOf: readonly number[] } {
  const hasImages = samples.some((s) => s.image);
  model.checkRows(samples.map((s) => [...s.promptIds, ...s.response]), hasImages);
  const groups = groupByPrompt(samples.map((s) => s.promptIds), samples.map((s) => s.response), { sameImage: (i, j) => samples[i].image === samples[j].image, multiple });
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
  const pixels = hasImages && model.config.vision ? preprocessBatch(groups.firstRow.map((i) => samples[i].image), model.config.vision.imageSize) : undefined;
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
