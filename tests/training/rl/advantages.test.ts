// The estimators' table against values computed by hand, through `tokenAdvantages`, the call the RL
// step makes; and their invariants as properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ESTIMATORS, gae, groupSizesOf, klK1, tokenAdvantages, tokenReturns, tokenRewards, whiten, type AdvantageConfig, type Estimator } from '../../../training/rl/advantages.js';

const close = (got: readonly number[], want: readonly number[], digits = 9) => {
  expect(got.length).toBe(want.length);
  got.forEach((x, i) => expect(x, `[${i}]`).toBeCloseTo(want[i], digits));
};

const cfg = (estimator: Estimator, klReward = 0): AdvantageConfig => ({ estimator, klReward, gamma: 1, lambda: 1 });

/** Two prompts, four one-token samples each: A = [1, 0, 0, 0], B = [1, 1, 1, 0]; no KL. */
const oneToken = (estimator: Estimator): number[] => {
  const rewards = [1, 0, 0, 0, 1, 1, 1, 0];
  const out = tokenAdvantages({ rewards, groups: [4, 4], logprobs: rewards.map(() => [-1]) }, cfg(estimator));
  return out.advantages.map((a) => {
    expect(a.length).toBe(1);
    return a[0];
  });
};

describe('the estimators, hand-computed', () => {
  it('has a rule for exactly the five estimators', () => {
    expect(Object.keys(ESTIMATORS).sort()).toEqual(['grpo', 'ppo', 'reinforce', 'reinforce_baseline', 'rloo']);
  });

  it('reinforce: the rewards whitened over every token', () => {
    // Mean 0.5, biased variance 0.25, std 0.5: 1 -> 1, 0 -> -1.
    close(oneToken('reinforce'), [1, -1, -1, -1, 1, 1, 1, -1]);
  });

  it('reinforce_baseline: group mean subtracted, then whitened over every token', () => {
    // Group means 0.25 and 0.75: centred A = [0.75, -0.25, -0.25, -0.25], B = [0.25, 0.25, 0.25, -0.75].
    // Mean of the centred values 0; biased variance (0.5625 + 3*0.0625 + 3*0.0625 + 0.5625)/8
    // = 1.5/8 = 0.1875, std sqrt(3)/4; so 0.75 -> sqrt(3), 0.25 -> 1/sqrt(3).
    const s3 = Math.sqrt(3);
    close(oneToken('reinforce_baseline'), [s3, -1 / s3, -1 / s3, -1 / s3, 1 / s3, 1 / s3, 1 / s3, -s3]);
  });

  it('grpo: (r - mean) / (unbiased std + 1e-6), as torch.std in OpenRLHF; a lone sample gets 0', () => {
    // A: mean 0.25, unbiased var (0.5625 + 3*0.0625)/3 = 0.25, std 0.5. B mirrors A.
    const hi = 0.75 / 0.500001;
    const lo = 0.25 / 0.500001;
    close(oneToken('grpo'), [hi, -lo, -lo, -lo, lo, lo, lo, -hi], 12);
    // Ragged groups [2] and [3, 5]: [3, 5] has unbiased std sqrt(2).
    const r = tokenAdvantages({ rewards: [2, 3, 5], groups: [1, 2], logprobs: [[-1], [-1], [-1]] }, cfg('grpo'));
    close(r.advantages.flat(), [0, -1 / (Math.SQRT2 + 1e-6), 1 / (Math.SQRT2 + 1e-6)], 12);
  });

  it('rloo: r minus the mean of the rest of its group; a lone sample gets 0', () => {
    // A: 1 - mean(0,0,0) = 1; 0 - mean(1,0,0) = -1/3. B: 1 - mean(1,1,0) = 1/3; 0 - mean(1,1,1) = -1.
    close(oneToken('rloo'), [1, -1 / 3, -1 / 3, -1 / 3, 1 / 3, 1 / 3, 1 / 3, -1]);
    const r = tokenAdvantages({ rewards: [2, 3, 5], groups: [1, 2], logprobs: [[-1], [-1], [-1]] }, cfg('rloo'));
    close(r.advantages.flat(), [0, -2, 2]);
  });

  it('reinforce_baseline with k1 KL in the per-token reward (the default FRE step)', () => {
    // Rewards [1, 0 | 0.5, 0.5], two tokens each; k1 = logp - ref:
    //   s0 [-1 - -1.5, -2 - -1.8] = [0.5, -0.2], s1 [0, 0], s2 [0, 1], s3 [0, 0].
    // Centred: [0.5, -0.5 | 0, 0]. beta 0.1, per-token rewards -0.1 k1, the centred reward on the last:
    //   s0 [-0.05, 0.02 + 0.5] -> returns [0.47, 0.52];  s1 [0, -0.5] -> [-0.5, -0.5];
    //   s2 [0, -0.1] -> [-0.1, -0.1];                      s3 [0, 0] -> [0, 0].
    const batch = {
      rewards: [1, 0, 0.5, 0.5],
      groups: [2, 2],
      logprobs: [[-1, -2], [-1, -1], [-0.5, -0.5], [-2, -3]],
      refLogprobs: [[-1.5, -1.8], [-1, -1], [-0.5, -1.5], [-2, -3]],
    };
    const returns = [0.47, 0.52, -0.5, -0.5, -0.1, -0.1, 0, 0];
    // Whitened over the 8 tokens: mean -0.21/8, biased variance.
    const m = -0.21 / 8;
    const sd = Math.sqrt(returns.reduce((a, x) => a + (x - m) ** 2, 0) / 8);
    close(tokenAdvantages(batch, cfg('reinforce_baseline', 0.1)).advantages.flat(), returns.map((x) => (x - m) / sd), 12);
    // Without the reference (klReward 0) the KL drops out: returns [0.5, 0.5, -0.5, -0.5, 0, 0, 0, 0],
    // mean 0, biased variance 1/8, so 0.5 -> sqrt(2).
    const r2 = Math.SQRT2;
    close(tokenAdvantages(batch, cfg('reinforce_baseline', 0)).advantages.flat(), [r2, r2, -r2, -r2, 0, 0, 0, 0], 12);
  });

  it('ppo: GAE over the per-token rewards and values, advantages whitened, returns not', () => {
    // One sample, reward 1, three tokens, no KL: rewards [0, 0, 1], values [0.5, 0.6, 0.8], lambda 0.9:
    //   t=2: delta = 1 - 0.8 = 0.2, A = 0.2;  t=1: delta = 0.8 - 0.6 = 0.2, A = 0.2 + 0.9 * 0.2 = 0.38;
    //   t=0: delta = 0.6 - 0.5 = 0.1, A = 0.1 + 0.9 * 0.38 = 0.442;  returns = A + V = [0.942, 0.98, 1].
    const r = tokenAdvantages({ rewards: [1], groups: [1], logprobs: [[-1, -1, -1]], values: [[0.5, 0.6, 0.8]] }, { estimator: 'ppo', klReward: 0, gamma: 1, lambda: 0.9 });
    close(r.returns![0], [0.942, 0.98, 1], 12);
    const a = [0.442, 0.38, 0.2];
    const m = (0.442 + 0.38 + 0.2) / 3;
    const sd = Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / 3);
    close(r.advantages[0], a.map((x) => (x - m) / sd), 12);
    expect(() => tokenAdvantages({ rewards: [1], groups: [1], logprobs: [[-1]] }, cfg('ppo'))).toThrow(/value head/);
  });

  it('refuses groups that do not fit the rewards, and rewards that are not finite', () => {
    expect(() => tokenAdvantages({ rewards: [1, 2, 3], groups: [1, 1], logprobs: [[0], [0], [0]] }, cfg('rloo'))).toThrow(/add up to 2, but there are 3/);
    expect(() => tokenAdvantages({ rewards: [1, NaN], groups: [2], logprobs: [[0], [0]] }, cfg('rloo'))).toThrow(/reward 1 is NaN/);
  });

  it('group sizes are read off consecutive samples', () => {
    expect(groupSizesOf([0, 0, 0, 1, 2, 2].map((group) => ({ group })))).toEqual([3, 1, 2]);
    expect(groupSizesOf([])).toEqual([]);
  });
});

describe('whiten, k1, token returns and GAE (hand-computed)', () => {
  it('whiten subtracts the mean and divides by the biased std, the variance floored at 1e-8', () => {
    // [1, 2, 3, 6]: mean 3, deviations [-2, -1, 0, 3], var (4 + 1 + 0 + 9)/4 = 3.5.
    const s = Math.sqrt(3.5);
    close(whiten([1, 2, 3, 6]), [-2 / s, -1 / s, 0, 3 / s]);
    // [0, 1e-5]: mean 5e-6, var 2.5e-11 < 1e-8, so rstd = 1e4: [-0.05, 0.05].
    close(whiten([0, 1e-5]), [-0.05, 0.05], 12);
    close(whiten([5, 5, 5]), [0, 0, 0]);
    expect(() => whiten([])).toThrow(/no values/);
  });

  it('k1 = logp - logp_ref, per token', () => {
    close(klK1([-1, -2, -0.5], [-1.5, -1.8, -0.5]), [0.5, -0.2, 0], 12);
    expect(() => klK1([-1], [-1, -2])).toThrow(/1 policy log-probs for 2 reference/);
  });

  it('KL penalty on every token, reward on the last, returns summed to the end', () => {
    // beta 0.1, kl [0.5, -0.2, 0.1]: rewards [-0.05, 0.02, -0.01 + 1] = [-0.05, 0.02, 0.99];
    // returns from the end: 0.99, 0.99 + 0.02 = 1.01, 1.01 - 0.05 = 0.96.
    close(tokenRewards(1, [0.5, -0.2, 0.1], 0.1), [-0.05, 0.02, 0.99], 12);
    close(tokenReturns(1, [0.5, -0.2, 0.1], 0.1), [0.96, 1.01, 0.99], 12);
    close(tokenReturns(0.5, [0, 0, 0], 0.001), [0.5, 0.5, 0.5]);
    expect(() => tokenReturns(1, [], 0.001)).toThrow(/no tokens/);
  });

  it('gae with the value after the last token 0', () => {
    // lambda 1, gamma 1: Monte Carlo, A_t = (sum of rewards from t) - V_t, returns all 1.
    const mc = gae([0, 0, 1], [0.5, 0.6, 0.8], 1, 1);
    close(mc.advantages, [0.5, 0.4, 0.2], 12);
    close(mc.returns, [1, 1, 1], 12);
    // gamma 0.5, lambda 0: one-step TD: [0 + 0.5*0.6 - 0.5, 0 + 0.5*0.8 - 0.6, 1 - 0.8] = [-0.2, -0.2, 0.2].
    close(gae([0, 0, 1], [0.5, 0.6, 0.8], 0.5, 0).advantages, [-0.2, -0.2, 0.2], 12);
    expect(() => gae([1], [1, 2], 1, 1)).toThrow(/1 rewards for 2 values/);
  });
});

describe('properties', () => {
  const reward = fc.double({ min: -10, max: 10, noNaN: true });
  const batch = fc.integer({ min: 1, max: 6 }).chain((n) =>
    fc.array(fc.array(reward, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 5 }).map((gs) => ({ n, flat: gs.flat() })),
  );
  const oneTokenOf = (flat: readonly number[], n: number, est: Estimator) =>
    tokenAdvantages({ rewards: flat, groups: Array.from({ length: flat.length / n }, () => n), logprobs: flat.map(() => [-1]) }, cfg(est)).advantages.map((a) => a[0]);

  it('grpo and rloo advantages sum to zero in every group', () => {
    fc.assert(
      fc.property(batch, fc.constantFrom('grpo' as const, 'rloo' as const), ({ n, flat }, est) => {
        const a = oneTokenOf(flat, n, est);
        const scale = 1 + Math.max(...a.map(Math.abs));
        for (let g = 0; g < flat.length; g += n) {
          const sum = a.slice(g, g + n).reduce((s, x) => s + x, 0);
          expect(Math.abs(sum)).toBeLessThan(1e-9 * scale * n);
        }
      }),
    );
  });

  it('rloo is n/(n-1) times the group-mean-centred reward', () => {
    fc.assert(
      fc.property(batch, ({ n, flat }) => {
        fc.pre(n > 1);
        const a = oneTokenOf(flat, n, 'rloo');
        for (let g = 0; g < flat.length; g += n) {
          const grp = flat.slice(g, g + n);
          const mean = grp.reduce((s, x) => s + x, 0) / n;
          grp.forEach((r, j) => expect(a[g + j]).toBeCloseTo((n / (n - 1)) * (r - mean), 9));
        }
      }),
    );
  });

  it('whitened values have mean 0 and variance 1', () => {
    fc.assert(
      fc.property(fc.array(reward, { minLength: 2, maxLength: 30 }), (xs) => {
        const m = xs.reduce((s, x) => s + x, 0) / xs.length;
        fc.pre(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length > 1e-6);
        const w = whiten(xs);
        const wm = w.reduce((s, x) => s + x, 0) / w.length;
        expect(Math.abs(wm)).toBeLessThan(1e-9);
        expect(w.reduce((s, x) => s + (x - wm) ** 2, 0) / w.length).toBeCloseTo(1, 9);
      }),
    );
  });

  it('token returns start at reward - beta * sum(kl), and GAE returns are advantages + values', () => {
    fc.assert(
      fc.property(reward, fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 20 }), (r, kl) => {
        const ret = tokenReturns(r, kl, 0.01);
        expect(ret[0]).toBeCloseTo(r - 0.01 * kl.reduce((s, x) => s + x, 0), 9);
        expect(ret[ret.length - 1]).toBeCloseTo(r - 0.01 * kl[kl.length - 1], 12);
        const values = kl.map((x) => x / 2);
        const g = gae(tokenRewards(r, kl, 0.01), values, 1, 1);
        // lambda = gamma = 1: GAE's returns are the Monte Carlo returns.
        g.returns.forEach((x, t) => expect(x).toBeCloseTo(ret[t], 9));
      }),
    );
  });
});
