// Per-token KL estimators: hand-computed values, unbiasedness on a small categorical pair, and
// k3's sign and zero set as properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kl, klK1, klK3 } from '../../training/rl/kl.js';

describe('k1 and k3 (hand-computed)', () => {
  it('k1 = logp - logp_ref; k3 = exp(d) - d - 1, d = logp_ref - logp', () => {
    const logp = [-1, -2, -0.5];
    const ref = [-1.5, -2, -0.2];
    // k1: [-1 + 1.5, 0, -0.5 + 0.2] = [0.5, 0, -0.3]
    klK1(logp, ref).forEach((x, i) => expect(x).toBeCloseTo([0.5, 0, -0.3][i], 15));
    // d = [-0.5, 0, 0.3]: exp(-0.5) + 0.5 - 1 = 0.60653066 - 0.5 = 0.10653066; 0;
    // exp(0.3) - 0.3 - 1 = 1.34985881 - 1.3 = 0.04985881.
    const k3 = klK3(logp, ref);
    expect(k3[0]).toBeCloseTo(0.1065306597, 9);
    expect(k3[1]).toBe(0);
    expect(k3[2]).toBeCloseTo(0.0498588076, 9);
    expect(kl('k1', logp, ref)).toEqual(klK1(logp, ref));
    expect(kl('k3', logp, ref)).toEqual(k3);
  });

  it('k3 keeps its precision for small differences, on both sides of the series cut-off', () => {
    // d = 1e-3: d^2/2 + d^3/6 + d^4/24 = 5e-7 + 1.66666667e-10 + 4.17e-14 = 5.0016670833e-7.
    expect(klK3([0], [1e-3])[0] / 5.0016670833e-7).toBeCloseTo(1, 9);
    // d = -1e-8: d^2/2 + d^3/6 = 5e-17 - 1.67e-25 = 5e-17 (1 - 3.33e-9); exp(d) - d - 1 computed
    // naively is 0 or an ulp of 1 (~1e-16), all error.
    expect(klK3([1e-8], [0])[0] / 5e-17).toBeCloseTo(1 - 1e-8 / 3, 12);
    // Around |d| = 1e-2 the series and expm1 branches agree.
    for (const d of [0.00999999, 0.01, -0.00999999, -0.01]) {
      const want = Math.exp(d) - d - 1; // accurate enough here: ~5e-5 against ulps of 1e-16
      expect(klK3([0], [d])[0] / want).toBeCloseTo(1, 9);
    }
    expect(() => klK3([0, 1], [0])).toThrow(/2 policy log-probs for 1 reference/);
  });

  it('both are unbiased for KL(p || q) under samples from p', () => {
    // p = [0.5, 0.5], q = [0.25, 0.75]: KL = 0.5 ln 2 + 0.5 ln(2/3) = 0.5 ln(4/3) = 0.14384104.
    // E_p[k3] = sum_x p (q/p - ln(q/p) - 1) = sum q - 1 + KL = KL.
    const p = [0.5, 0.5];
    const q = [0.25, 0.75];
    const lp = p.map(Math.log);
    const lq = q.map(Math.log);
    const e = (xs: number[]) => xs.reduce((s, x, i) => s + p[i] * x, 0);
    expect(e(klK1(lp, lq))).toBeCloseTo(0.5 * Math.log(4 / 3), 12);
    expect(e(klK3(lp, lq))).toBeCloseTo(0.14384103622589, 12);
  });
});

describe('properties', () => {
  // Log-probs as the graphs give them: float32, in a plausible range.
  const logprob = fc.float({ min: -80, max: 0, noNaN: true });

  it('k3 >= 0, and k3 == 0 exactly when the log-probs are equal', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(logprob, logprob), { minLength: 1, maxLength: 20 }), (pairs) => {
        const a = pairs.map(([x]) => x);
        const b = pairs.map(([, y]) => y);
        const k3 = klK3(a, b);
        k3.forEach((v, i) => {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v === 0).toBe(a[i] === b[i]);
        });
        expect(klK3(a, a).every((v) => v === 0)).toBe(true);
      }),
    );
  });

  it('k1 is antisymmetric; k3 >= d^2/2 when d = logp_ref - logp >= 0', () => {
    fc.assert(
      fc.property(logprob, logprob, (x, y) => {
        expect(klK1([x], [y])[0] + klK1([y], [x])[0]).toBe(0); // (x - y) is exactly -(y - x)
        // For d >= 0 every term d^k/k! of exp(d) - 1 - d is >= 0, the first being d^2/2.
        const d = y - x;
        if (d >= 0) expect(klK3([x], [y])[0]).toBeGreaterThanOrEqual((d * d) / 2 * (1 - 1e-12));
      }),
    );
  });
});
