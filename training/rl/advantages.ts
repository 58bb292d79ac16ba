// Advantage estimators of rule-based RL, as OpenRLHF computes them (LMM-R1 builds on it), in one
// table: each turns a batch's sequence rewards, grouped by prompt (contiguous groups, as OpenRLHF's
// `rewards.reshape(-1, n_samples_per_prompt)`), and the per-token KL to the reference into per-token
// advantages. The KL penalty sits in the per-token reward:
//
//   r_t = -beta kl_t  (+ the sequence's reward, or its baselined advantage, on the last token)
//
//   reinforce           REINFORCE++: returns of r_t (gamma 1), whitened over every token of the batch
//   reinforce_baseline  REINFORCE++-baseline (LMM-R1's FRE default): the group mean subtracted from
//                       each reward first, then as reinforce
//   grpo                (reward - group mean) / (group std + 1e-6), then returns; not whitened
//   rloo                reward - the mean of the other samples of its group, then returns
//   ppo                 GAE over r_t and the value head's values; advantages whitened, returns not
//
// Plain arrays of numbers, computed in float64.

export type Estimator = 'reinforce' | 'reinforce_baseline' | 'grpo' | 'rloo' | 'ppo';

export interface AdvantageConfig {
  estimator: Estimator;
  /** beta, the coefficient of k1 KL in the per-token reward (0: none; LMM-R1: 0.001). */
  klReward: number;
  /** GAE's discount and trace decay (PPO only; OpenRLHF's defaults 1 and 0.95). */
  gamma: number;
  lambda: number;
}

/** One batch: a reward per sample, the group sizes in order, the samples' per-token log-probs. */
export interface AdvantageBatch {
  rewards: readonly number[];
  groups: readonly number[];
  logprobs: readonly (readonly number[])[];
  /** The frozen reference's log-probs of the same tokens (needed when klReward > 0). */
  refLogprobs?: readonly (readonly number[])[];
  /** The value head's values of the same tokens, before the update (PPO). */
  values?: readonly (readonly number[])[];
}

export interface TokenAdvantages {
  advantages: number[][];
  /** PPO's value targets. */
  returns?: number[][];
}

type Rule = (b: AdvantageBatch, kl: readonly (readonly number[])[], c: AdvantageConfig) => TokenAdvantages;

export const ESTIMATORS: { readonly [E in Estimator]: Rule } = {
  reinforce: (b, kl, c) => whitenedReturns(b.rewards, kl, c.klReward),
  reinforce_baseline: (b, kl, c) => whitenedReturns(perGroup(b.rewards, b.groups, (r, g) => r - mean(g)), kl, c.klReward),
  // torch's std (n - 1); a group of 1 has no spread and gets 0.
  grpo: (b, kl, c) => returnsOf(perGroup(b.rewards, b.groups, (r, g) => (r - mean(g)) / ((g.length === 1 ? 0 : std(g)) + 1e-6)), kl, c.klReward),
  // OpenRLHF's baseline (sum - r) / (n - 1); a group of 1 gets 0.
  rloo: (b, kl, c) => returnsOf(perGroup(b.rewards, b.groups, (r, g) => (g.length === 1 ? 0 : r - (sum(g) - r) / (g.length - 1))), kl, c.klReward),
  ppo: (b, kl, c) => {
    const values = b.values;
    if (!values) throw new Error("ppo needs the value head's values of the samples");
    const out = b.rewards.map((r, i) => gae(tokenRewards(r, kl[i], c.klReward), values[i], c.gamma, c.lambda));
    // Advantages whitened over every token of the batch, as OpenRLHF does for PPO.
    return { advantages: reshapeLike(whiten(out.flatMap((o) => o.advantages)), out.map((o) => o.advantages)), returns: out.map((o) => o.returns) };
  },
};

/** Per-token advantages (and PPO's returns) of a batch under `c.estimator`. */
export function tokenAdvantages(b: AdvantageBatch, c: AdvantageConfig): TokenAdvantages {
  const total = b.groups.reduce((a, n) => a + n, 0);
  if (total !== b.rewards.length) throw new Error(`group sizes add up to ${total}, but there are ${b.rewards.length} rewards`);
  for (const [i, r] of b.rewards.entries()) if (!Number.isFinite(r)) throw new Error(`reward ${i} is ${r}, not a finite number`);
  const ref = b.refLogprobs;
  const kl = b.logprobs.map((lp, i) => (c.klReward > 0 && ref ? klK1(lp, ref[i]) : lp.map(() => 0)));
  return ESTIMATORS[c.estimator](b, kl, c);
}

/** Sizes of the consecutive groups of `samples` (by `group`). */
export function groupSizesOf(samples: readonly { group: number }[]): number[] {
  const sizes: number[] = [];
  samples.forEach((s, i) => {
    if (i === 0 || s.group !== samples[i - 1].group) sizes.push(1);
    else sizes[sizes.length - 1]++;
  });
  return sizes;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0);
const mean = (xs: readonly number[]): number => sum(xs) / xs.length;
const std = (xs: readonly number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};

/** `f(reward, its group's rewards)` for every reward, groups of the given sizes in order. */
function perGroup(rewards: readonly number[], sizes: readonly number[], f: (r: number, group: readonly number[]) => number): number[] {
  const out: number[] = [];
  let start = 0;
  for (const n of sizes) {
    const g = rewards.slice(start, start + n);
    for (const r of g) out.push(f(r, g));
    start += n;
  }
  return out;
}

function returnsOf(seq: readonly number[], kl: readonly (readonly number[])[], beta: number): TokenAdvantages {
  return { advantages: seq.map((r, i) => tokenReturns(r, kl[i], beta)) };
}

function whitenedReturns(seq: readonly number[], kl: readonly (readonly number[])[], beta: number): TokenAdvantages {
  const ret = seq.map((r, i) => tokenReturns(r, kl[i], beta));
  return { advantages: reshapeLike(whiten(ret.flat()), ret) };
}

function reshapeLike(flat: readonly number[], like: readonly (readonly number[])[]): number[][] {
  let k = 0;
  return like.map((row) => row.map(() => flat[k++]));
}

/** k1 = logp - logp_ref per token (Schulman's estimator of KL(policy || ref); OpenRLHF's "k1"). */
export function klK1(logp: readonly number[], logpRef: readonly number[]): number[] {
  if (logp.length !== logpRef.length) throw new Error(`kl: ${logp.length} policy log-probs for ${logpRef.length} reference log-probs`);
  return logp.map((lp, i) => lp - logpRef[i]);
}

/**
 * (x - mean) / std over all entries, as OpenRLHF normalises advantages: the biased variance,
 * `(x - mean) * rsqrt(max(var, eps))`, eps 1e-8.
 */
export function whiten(xs: readonly number[], eps = 1e-8): number[] {
  if (xs.length === 0) throw new Error('whiten: no values');
  let s = 0;
  for (const x of xs) s += x;
  const m = s / xs.length;
  let sq = 0;
  for (const x of xs) sq += (x - m) ** 2;
  const rstd = 1 / Math.sqrt(Math.max(sq / xs.length, eps));
  return xs.map((x) => (x - m) * rstd);
}

/** Per-token rewards of one response: -beta * kl_t everywhere, plus `reward` on the last token. */
export function tokenRewards(reward: number, klPerToken: readonly number[], beta: number): number[] {
  if (klPerToken.length === 0) throw new Error('tokenRewards: a response with no tokens has nowhere to put its reward');
  const out = klPerToken.map((k) => -beta * k);
  out[out.length - 1] += reward;
  return out;
}

/**
 * REINFORCE returns of one response (gamma 1): the sum of the per-token rewards from t to the end
 * (OpenRLHF's `compute_reward` then `get_cumulative_returns`).
 */
export function tokenReturns(reward: number, klPerToken: readonly number[], beta: number): number[] {
  const r = tokenRewards(reward, klPerToken, beta);
  for (let t = r.length - 2; t >= 0; t--) r[t] += r[t + 1];
  return r;
}

/**
 * Generalised advantage estimation (Schulman et al. 2016) over one response; the value after the
 * last token is 0 (the episode ends there), as OpenRLHF's `get_advantages_and_returns`:
 *   delta_t = r_t + gamma V_{t+1} - V_t,  A_t = delta_t + gamma lambda A_{t+1},  returns = A + V.
 */
export function gae(rewards: readonly number[], values: readonly number[], gamma: number, lambda: number): { advantages: number[]; returns: number[] } {
  if (rewards.length !== values.length) throw new Error(`gae: ${rewards.length} rewards for ${values.length} values`);
  const T = rewards.length;
  const advantages = new Array<number>(T);
  let last = 0;
  for (let t = T - 1; t >= 0; t--) {
    const next = t + 1 < T ? values[t + 1] : 0;
    last = rewards[t] + gamma * next - values[t] + gamma * lambda * last;
    advantages[t] = last;
  }
  return { advantages, returns: advantages.map((a, t) => a + values[t]) };
}
