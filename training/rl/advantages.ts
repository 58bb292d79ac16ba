// Advantage estimators for rule-based RL, following OpenRLHF (which LMM-R1 builds on):
//   - sequence level, over a batch of scalar rewards grouped by prompt (each group: the samples of
//     one prompt, contiguous, as OpenRLHF's `rewards.reshape(-1, n_samples_per_prompt)`):
//     REINFORCE++-baseline (LMM-R1's FRE default), GRPO ("group_norm") and RLOO;
//   - token level: the KL penalty folded into the per-token reward and REINFORCE returns (gamma 1),
//     and GAE for PPO with a value head;
//   - `whiten`, OpenRLHF's batch normalisation of advantages.
// Plain arrays of numbers, computed in float64.

export type Estimator = 'reinforce_baseline' | 'grpo' | 'rloo' | 'ppo';
/** The estimators computed from the sequence rewards alone (PPO needs values: see `gae`). */
export type GroupEstimator = Exclude<Estimator, 'ppo'>;

export interface AdvantageOptions {
  /** GRPO: added to the group std (default 1e-6; OpenRLHF's `group_norm` adds 1e-9). */
  grpoEps?: number;
  /** REINFORCE++-baseline: floor of the batch variance when whitening (default 1e-8, OpenRLHF's). */
  whitenEps?: number;
}

/**
 * Per-sample scalar advantages of `rewards`, grouped by prompt: `groups` is the group size n (the
 * rewards are consecutive groups of n, as OpenRLHF lays them out) or the size of each group in order.
 *   - `reinforce_baseline`: r - (group mean), then `whiten`ed over the whole batch (OpenRLHF's
 *     REINFORCE++-baseline: group-mean baseline, no per-group std, batch normalisation).
 *   - `grpo`: (r - group mean) / (group std + eps), std the unbiased one (n - 1), as OpenRLHF's
 *     `rewards.std(-1)` (torch's default). A group of 1 gets 0 (torch would give NaN: its n - 1 is 0).
 *   - `rloo`: r_i - mean of the other n - 1 rewards of its group (OpenRLHF's
 *     `(sum - r_i) / (n - 1)` baseline; the same as n/(n-1) (r_i - group mean)). A group of 1 gets 0.
 */
export function groupAdvantages(
  rewards: readonly number[],
  groups: number | readonly number[],
  estimator: GroupEstimator,
  opts: AdvantageOptions = {},
): number[] {
  const sizes = groupSizes(rewards.length, groups);
  for (const [i, r] of rewards.entries()) if (!Number.isFinite(r)) throw new Error(`reward ${i} is ${r}, not a finite number`);
  const out = new Array<number>(rewards.length);
  let start = 0;
  for (const n of sizes) {
    const g = rewards.slice(start, start + n);
    const sum = g.reduce((a, x) => a + x, 0);
    const mean = sum / n;
    for (let j = 0; j < n; j++) {
      const r = g[j];
      if (estimator === 'rloo') out[start + j] = n === 1 ? 0 : r - (sum - r) / (n - 1);
      else out[start + j] = r - mean;
    }
    if (estimator === 'grpo') {
      const std = n === 1 ? 0 : Math.sqrt(g.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
      for (let j = 0; j < n; j++) out[start + j] /= std + (opts.grpoEps ?? 1e-6);
    }
    start += n;
  }
  return estimator === 'reinforce_baseline' ? whiten(out, undefined, opts.whitenEps) : out;
}

/** The group sizes `groups` names, checked against the number of rewards. */
function groupSizes(total: number, groups: number | readonly number[]): number[] {
  if (typeof groups === 'number') {
    if (!Number.isInteger(groups) || groups < 1) throw new Error(`group size ${groups} is not a positive integer`);
    if (total % groups !== 0) throw new Error(`${total} rewards do not split into groups of ${groups}`);
    return Array.from({ length: total / groups }, () => groups);
  }
  for (const n of groups) if (!Number.isInteger(n) || n < 1) throw new Error(`group size ${n} is not a positive integer`);
  const sum = groups.reduce((a, n) => a + n, 0);
  if (sum !== total) throw new Error(`group sizes add up to ${sum}, but there are ${total} rewards`);
  return [...groups];
}

/**
 * (x - mean) / std over the entries where `mask` is nonzero (all when absent), as OpenRLHF
 * normalises advantages: mean and the biased variance (divided by the count) over the masked
 * entries, `(x - mean) * rsqrt(max(var, eps))`, eps 1e-8. Every entry is transformed; masked-out
 * ones only take no part in the statistics (as in OpenRLHF, where the loss masks them later).
 */
export function whiten(xs: readonly number[], mask?: readonly (number | boolean)[], eps = 1e-8): number[] {
  if (mask && mask.length !== xs.length) throw new Error(`whiten: mask has ${mask.length} entries for ${xs.length} values`);
  const w = (i: number): number => (mask ? Number(mask[i]) : 1);
  let count = 0;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    count += w(i);
    sum += w(i) * xs[i];
  }
  if (!(count > 0)) throw new Error('whiten: no unmasked values');
  const mean = sum / count;
  let sq = 0;
  for (let i = 0; i < xs.length; i++) sq += w(i) * (xs[i] - mean) ** 2;
  const rstd = 1 / Math.sqrt(Math.max(sq / count, eps));
  return xs.map((x) => (x - mean) * rstd);
}

/**
 * Per-token returns of one response for the REINFORCE-style estimators (gamma 1): the per-token
 * reward is -beta * kl_t on every token plus the sequence reward (or advantage) on the last token
 * (OpenRLHF's `compute_reward`, KL in the reward, k1 by default), and the return at t is the sum of
 * the rewards from t to the end (`get_cumulative_returns`). `klPerToken` has one entry per response
 * token; beta defaults to 0.001 (LMM-R1's init_kl_coef).
 */
export function tokenReturns(reward: number, klPerToken: readonly number[], beta = 0.001): number[] {
  const r = tokenRewards(reward, klPerToken, beta);
  for (let t = r.length - 2; t >= 0; t--) r[t] += r[t + 1];
  return r;
}

/**
 * Generalised advantage estimation (Schulman et al. 2016) over one response, for PPO: per-token
 * rewards (`tokenRewards`: the KL penalty on each token, the reward on the last) and the value head's
 * values of the same tokens; the value after the last token is 0 (the episode ends there), as in
 * OpenRLHF's `get_advantages_and_returns`:
 *   delta_t = r_t + gamma V_{t+1} - V_t,  A_t = delta_t + gamma lambda A_{t+1},  returns = A + V.
 * gamma 1 and lambda 0.95 are OpenRLHF's defaults.
 */
export function gae(rewards: readonly number[], values: readonly number[], gamma = 1, lambda = 0.95): { advantages: number[]; returns: number[] } {
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

/** Per-token rewards of one response: -beta * kl_t everywhere, plus `reward` on the last token (for `gae`). */
export function tokenRewards(reward: number, klPerToken: readonly number[], beta = 0.001): number[] {
  if (klPerToken.length === 0) throw new Error('tokenRewards: a response with no tokens has nowhere to put its reward');
  const out = klPerToken.map((k) => -beta * k);
  out[out.length - 1] += reward;
  return out;
}
