// Advantage estimators against values computed by hand, and their invariants as properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gae, groupAdvantages, tokenReturns, tokenRewards, whiten } from '../../training/rl/advantages.js';

const close = (got: readonly number[], want: readonly number[], digits = 9) => {
  expect(got.length).toBe(want.length);
  got.forEach((x, i) => expect(x, `[${i}]`).toBeCloseTo(want[i], digits));
};

// Two prompts, four samples each: A = [1, 0, 0, 0], B = [1, 1, 1, 0].
const rewards = [1, 0, 0, 0, 1, 1, 1, 0];

describe('sequence-level estimators (hand-computed)', () => {
  it('reinforce_baseline: group mean baseline, then batch whitening', () => {
    // Group means 0.25 and 0.75: centred A = [0.75, -0.25, -0.25, -0.25], B = [0.25, 0.25, 0.25, -0.75].
    // Batch mean of the centred values 0; biased variance (0.5625 + 3*0.0625 + 3*0.0625 + 0.5625)/8
    // = 1.5/8 = 0.1875, std sqrt(3)/4; so 0.75 -> sqrt(3), 0.25 -> 1/sqrt(3).
    const s3 = Math.sqrt(3);
    close(groupAdvantages(rewards, 4, 'reinforce_baseline'), [s3, -1 / s3, -1 / s3, -1 / s3, 1 / s3, 1 / s3, 1 / s3, -s3]);
  });

  it('grpo: (r - mean) / (unbiased std + 1e-6), as torch.std in OpenRLHF', () => {
    // A: mean 0.25, unbiased var (0.5625 + 3*0.0625)/3 = 0.25, std 0.5 (the biased 0.433 would give
    // sqrt(3) for the first sample). 0.75/0.500001 = 1.499997000006, -0.25/0.500001 = -0.499999000002.
    // B mirrors A.
    const hi = 0.75 / 0.500001;
    const lo = 0.25 / 0.500001;
    close(groupAdvantages(rewards, 4, 'grpo'), [hi, -lo, -lo, -lo, lo, lo, lo, -hi], 12);
    expect(hi).toBeCloseTo(1.499997, 6);
    // Ragged groups [2] and [3, 5]: a lone sample gets 0; [3, 5] has unbiased std sqrt(2).
    close(groupAdvantages([2, 3, 5], [1, 2], 'grpo'), [0, -1 / (Math.SQRT2 + 1e-6), 1 / (Math.SQRT2 + 1e-6)], 12);
    close(groupAdvantages([3, 5], 2, 'grpo', { grpoEps: 0 }), [-Math.SQRT1_2, Math.SQRT1_2], 12);
  });

  it('rloo: r_i minus the mean of the rest of its group', () => {
    // A: 1 - mean(0,0,0) = 1; 0 - mean(1,0,0) = -1/3. B: 1 - mean(1,1,0) = 1/3; 0 - mean(1,1,1) = -1.
    // (= n/(n-1) (r - mean): 4/3 * 0.75 = 1.)
    close(groupAdvantages(rewards, 4, 'rloo'), [1, -1 / 3, -1 / 3, -1 / 3, 1 / 3, 1 / 3, 1 / 3, -1]);
    // A group of one has no other samples: 0.
    close(groupAdvantages([2, 3, 5], [1, 2], 'rloo'), [0, -2, 2]);
  });

  it('refuses groups that do not fit the rewards', () => {
    expect(() => groupAdvantages([1, 2, 3], 2, 'grpo')).toThrow(/do not split into groups of 2/);
    expect(() => groupAdvantages([1, 2, 3], [1, 1], 'rloo')).toThrow(/add up to 2, but there are 3/);
    expect(() => groupAdvantages([1, 2], 0, 'rloo')).toThrow(/not a positive integer/);
    expect(() => groupAdvantages([1, NaN], 2, 'rloo')).toThrow(/reward 1 is NaN/);
  });
});

describe('whiten', () => {
  it('subtracts the mean and divides by the biased std, over the masked entries', () => {
    // [1, 2, 3, 6]: mean 3, deviations [-2, -1, 0, 3], var (4 + 1 + 0 + 9)/4 = 3.5.
    const s = Math.sqrt(3.5);
    close(whiten([1, 2, 3, 6]), [-2 / s, -1 / s, 0, 3 / s]);
    // Mask off the 6: mean 2, var (1 + 0 + 1)/3 = 2/3; the 6 is transformed with the same statistics.
    const m = Math.sqrt(2 / 3);
    close(whiten([1, 2, 3, 6], [1, 1, 1, 0]), [-1 / m, 0, 1 / m, 4 / m]);
    close(whiten([1, 2, 3, 6], [true, true, true, false]), [-1 / m, 0, 1 / m, 4 / m]);
  });

  it('floors the variance at 1e-8', () => {
    // [0, 1e-5]: mean 5e-6, var 2.5e-11 < 1e-8, so rstd = 1e4: [-0.05, 0.05].
    close(whiten([0, 1e-5]), [-0.05, 0.05], 12);
    close(whiten([5, 5, 5]), [0, 0, 0]);
    expect(() => whiten([1, 2], [0, 0])).toThrow(/no unmasked values/);
    expect(() => whiten([])).toThrow(/no unmasked values/);
    expect(() => whiten([1, 2], [1])).toThrow(/mask has 1 entries for 2 values/);
  });
});

describe('per-token returns and GAE (hand-computed)', () => {
  it('KL penalty on every token, reward on the last, returns summed to the end', () => {
    // beta 0.1, kl [0.5, -0.2, 0.1]: rewards [-0.05, 0.02, -0.01 + 1] = [-0.05, 0.02, 0.99];
    // returns from the end: 0.99, 0.99 + 0.02 = 1.01, 1.01 - 0.05 = 0.96.
    close(tokenRewards(1, [0.5, -0.2, 0.1], 0.1), [-0.05, 0.02, 0.99], 12);
    close(tokenReturns(1, [0.5, -0.2, 0.1], 0.1), [0.96, 1.01, 0.99], 12);
    // Default beta 0.001: kl [1, 1], reward 2: rewards [-0.001, 1.999], returns [1.998, 1.999].
    close(tokenReturns(2, [1, 1]), [1.998, 1.999], 12);
    close(tokenReturns(0.5, [0, 0, 0], 0.001), [0.5, 0.5, 0.5]);
    expect(() => tokenReturns(1, [])).toThrow(/no tokens/);
  });

  it('gae with the value after the last token 0', () => {
    // rewards [0, 0, 1], values [0.5, 0.6, 0.8], gamma 1, lambda 0.9:
    //   t=2: delta = 1 + 0 - 0.8 = 0.2,   A = 0.2
    //   t=1: delta = 0 + 0.8 - 0.6 = 0.2, A = 0.2 + 0.9 * 0.2 = 0.38
    //   t=0: delta = 0 + 0.6 - 0.5 = 0.1, A = 0.1 + 0.9 * 0.38 = 0.442
    // returns = A + V = [0.942, 0.98, 1.0].
    const r = gae([0, 0, 1], [0.5, 0.6, 0.8], 1, 0.9);
    close(r.advantages, [0.442, 0.38, 0.2], 12);
    close(r.returns, [0.942, 0.98, 1.0], 12);
    // lambda 1, gamma 1: Monte Carlo, A_t = (sum of rewards from t) - V_t, returns all 1.
    const mc = gae([0, 0, 1], [0.5, 0.6, 0.8], 1, 1);
    close(mc.advantages, [0.5, 0.4, 0.2], 12);
    close(mc.returns, [1, 1, 1], 12);
    // gamma 0.5, lambda 0: one-step TD: [0 + 0.5*0.6 - 0.5, 0 + 0.5*0.8 - 0.6, 1 - 0.8] = [-0.2, -0.2, 0.2].
    close(gae([0, 0, 1], [0.5, 0.6, 0.8], 0.5, 0).advantages, [-0.2, -0.2, 0.2], 12);
    // Defaults gamma 1, lambda 0.95.
    close(gae([0, 0, 1], [0.5, 0.6, 0.8]).advantages, gae([0, 0, 1], [0.5, 0.6, 0.8], 1, 0.95).advantages, 15);
    expect(() => gae([1], [1, 2])).toThrow(/1 rewards for 2 values/);
  });
});

describe('properties', () => {
  const reward = fc.double({ min: -10, max: 10, noNaN: true });
  const batch = fc.integer({ min: 1, max: 6 }).chain((n) =>
    fc.array(fc.array(reward, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 5 }).map((gs) => ({ n, flat: gs.flat() })),
  );

  it('group-mean-centred advantages sum to zero in every group', () => {
    fc.assert(
      fc.property(batch, fc.constantFrom('reinforce_baseline' as const, 'grpo' as const, 'rloo' as const), ({ n, flat }, est) => {
        const a = groupAdvantages(flat, n, est);
        const scale = 1 + Math.max(...a.map(Math.abs));
        for (let g = 0; g < flat.length; g += n) {
          const sum = a.slice(g, g + n).reduce((s, x) => s + x, 0);
          expect(Math.abs(sum)).toBeLessThan(1e-9 * scale * n);
        }
      }),
    );
  });

  it('rloo (and grpo) of a constant group is 0', () => {
    fc.assert(
      fc.property(reward, fc.integer({ min: 1, max: 8 }), (c, n) => {
        const g = Array.from({ length: n }, () => c);
        for (const x of groupAdvantages(g, n, 'rloo')) expect(Math.abs(x)).toBeLessThan(1e-12 * (1 + Math.abs(c)));
        for (const x of groupAdvantages(g, n, 'grpo')) expect(Math.abs(x)).toBeLessThan(1e-6);
      }),
    );
    expect(groupAdvantages([1, 1, 1, 0, 0, 0], 3, 'rloo')).toEqual([0, 0, 0, 0, 0, 0]); // 0/1 rewards: exactly
  });

  it('rloo is n/(n-1) times the group-mean-centred reward', () => {
    fc.assert(
      fc.property(batch, ({ n, flat }) => {
        fc.pre(n > 1);
        const a = groupAdvantages(flat, n, 'rloo');
        for (let g = 0; g < flat.length; g += n) {
          const grp = flat.slice(g, g + n);
          const mean = grp.reduce((s, x) => s + x, 0) / n;
          grp.forEach((r, j) => expect(a[g + j]).toBeCloseTo((n / (n - 1)) * (r - mean), 9));
        }
      }),
    );
  });

  it('whitened values have mean 0 and variance 1 over the mask', () => {
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
