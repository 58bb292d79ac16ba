// Evaluation statistics: pass@k against binomials worked by hand and exact BigInt ratios, mean and
// standard error by hand, and the seeded bootstrap's determinism and coverage.
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { bootstrapCI, mean, meanPassAtK, pairedDifferenceCI, passAtK, quantile, seedItemBootstrapCI, standardError } from '../../../training/eval/stats.js';

function binom(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}
/** 1 - C(n-c, k)/C(n, k) from exact integers, to 18 digits. */
function exactPassAtK(n: number, c: number, k: number): number {
  const scale = 10n ** 18n;
  return 1 - Number((binom(n - c, k) * scale) / binom(n, k)) / 1e18;
}

describe('pass@k (hand-computed)', () => {
  it('matches 1 - C(n-c, k) / C(n, k)', () => {
    // n 5, c 2, k 2: 1 - C(3,2)/C(5,2) = 1 - 3/10 = 0.7 (the product: (1 - 2/4)(1 - 2/5) = 0.3).
    expect(passAtK(5, 2, 2)).toBeCloseTo(0.7, 15);
    // n 10, c 1, k 5: 1 - C(9,5)/C(10,5) = 1 - 126/252 = 0.5.
    expect(passAtK(10, 1, 5)).toBeCloseTo(0.5, 15);
    // n 10, c 3, k 1: 3/10.
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 15);
    // n 4, c 3, k 2: one wrong sample, every pair holds a correct one: 1.
    expect(passAtK(4, 3, 2)).toBe(1);
    // n 200, c 13, k 100: binomials of ~1e58, no overflow in the product.
    expect(passAtK(200, 13, 100)).toBeCloseTo(exactPassAtK(200, 13, 100), 12);
    // Mean pass@2 over problems (5, 2) and (10, 1): 0.7 and 1 - C(9,2)/C(10,2) = 1 - 36/45 = 0.2, mean 0.45.
    expect(meanPassAtK([{ n: 5, c: 2 }, { n: 10, c: 1 }], 2)).toBeCloseTo(0.45, 15);
  });

  it('refuses impossible counts', () => {
    expect(() => passAtK(5, 6, 1)).toThrow(/c = 6/);
    expect(() => passAtK(5, 2, 6)).toThrow(/k = 6/);
    expect(() => passAtK(0, 0, 1)).toThrow(/n = 0/);
    expect(() => passAtK(5, 1.5, 1)).toThrow(/c = 1.5/);
  });

  it('properties: 1 when c == n, 0 when c == 0, c/n for k = 1, the exact ratio, monotone in c', () => {
    const nck = fc.integer({ min: 1, max: 60 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.integer({ min: 1, max: n })));
    fc.assert(
      fc.property(nck, ([n, c, k]) => {
        expect(passAtK(n, n, k)).toBe(1);
        expect(passAtK(n, 0, k)).toBe(0);
        expect(passAtK(n, c, 1)).toBeCloseTo(c / n, 12);
        const p = passAtK(n, c, k);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(p).toBeCloseTo(exactPassAtK(n, c, k), 12);
        if (c < n) expect(passAtK(n, c + 1, k)).toBeGreaterThanOrEqual(p);
        if (k < n) expect(passAtK(n, c, k + 1)).toBeGreaterThanOrEqual(p);
      }),
    );
  });
});

describe('mean and standard error (hand-computed)', () => {
  it('sample std over sqrt(n)', () => {
    // [1, 2, 3, 4]: mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5; sample var 5/3;
    // SE = sqrt(5/3 / 4) = sqrt(5/12) = 0.6454972.
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(standardError([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 12), 15);
    expect(standardError([1, 2, 3, 4])).toBeCloseTo(0.6454972, 7);
    expect(standardError([3, 3, 3])).toBe(0);
    expect(standardError([7])).toBeNaN();
    expect(() => mean([])).toThrow(/no values/);
  });

  it('quantiles interpolate linearly between order statistics (numpy default)', () => {
    // [1, 2, 3, 4] at 0.5: position 1.5, halfway between 2 and 3. [0, 10] at 0.025: 0.25.
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([0, 10], 0.025)).toBeCloseTo(0.25, 15);
    expect(quantile([0, 10], 1)).toBe(10);
    expect(quantile([5], 0.3)).toBe(5);
  });
});

describe('bootstrap CI of the mean', () => {
  const data = (() => {
    const r = seedrandom('data');
    return Array.from({ length: 200 }, () => (r() < 0.3 ? 1 : 0)); // a pass rate near 0.3
  })();

  it('is deterministic for a seed and changes with it', () => {
    const a = bootstrapCI(data, { seed: 's1' });
    expect(bootstrapCI(data, { seed: 's1' })).toEqual(a);
    expect(bootstrapCI(data)).toEqual(bootstrapCI(data)); // default seed
    expect(bootstrapCI(data, { seed: 's2' })).not.toEqual(a);
    expect(a.mean).toBe(mean(data));
  });

  it('brackets the mean, about +-1.96 standard errors for 200 values', () => {
    const ci = bootstrapCI(data, { seed: 'cov' });
    expect(ci.low).toBeLessThan(ci.mean);
    expect(ci.high).toBeGreaterThan(ci.mean);
    const half = (ci.high - ci.low) / 2;
    const se = standardError(data);
    expect(half / (1.96 * se)).toBeGreaterThan(0.85);
    expect(half / (1.96 * se)).toBeLessThan(1.15);
    // A lower level gives a narrower interval (same seed, same resamples).
    const ci80 = bootstrapCI(data, { seed: 'cov', level: 0.8 });
    expect(ci80.high - ci80.low).toBeLessThan(ci.high - ci.low);
  });

  it('constant data and single values give a point interval; bounds stay within the data', () => {
    expect(bootstrapCI([2, 2, 2])).toEqual({ mean: 2, low: 2, high: 2 });
    expect(bootstrapCI([0.25])).toEqual({ mean: 0.25, low: 0.25, high: 0.25 });
    fc.assert(
      fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 20 }), fc.string(), (xs, seed) => {
        const ci = bootstrapCI(xs, { seed, resamples: 50 });
        expect(ci.low).toBeLessThanOrEqual(ci.high);
        expect(ci.low).toBeGreaterThanOrEqual(Math.min(...xs) - 1e-9);
        expect(ci.high).toBeLessThanOrEqual(Math.max(...xs) + 1e-9);
      }),
      { numRuns: 50 },
    );
    expect(() => bootstrapCI([1, 2], { level: 1 })).toThrow(/level 1/);
    expect(() => bootstrapCI([1, 2], { resamples: 0 })).toThrow(/0 resamples/);
  });
});

describe('paired difference CI', () => {
  it('is the bootstrap of per-item differences, tighter than separate intervals when items differ in difficulty', () => {
    // 100 items: 40 solved by both, 12 only after, 1 only before, 47 by neither. Mean difference
    // (12 - 1) / 100 = 0.11, standard error about 0.034; the separate 95% intervals of 41% and 52%
    // (each about +-10 points) overlap.
    const before = [...new Array(40).fill(1), ...new Array(12).fill(0), 1, ...new Array(47).fill(0)];
    const after = [...new Array(40).fill(1), ...new Array(12).fill(1), 0, ...new Array(47).fill(0)];
    const d = pairedDifferenceCI(before, after, { seed: 'pair' });
    expect(d.mean).toBeCloseTo(0.11, 15);
    expect(d).toEqual(bootstrapCI(after.map((a, i) => a - before[i]), { seed: 'pair' }));
    const b = bootstrapCI(before, { seed: 'pair' });
    const a = bootstrapCI(after, { seed: 'pair' });
    expect(a.low).toBeLessThan(b.high); // the separate intervals overlap ...
    expect(d.low).toBeGreaterThan(0); // ... yet the paired interval excludes no change
    expect(d.high - d.low).toBeLessThan(a.high - a.low);
  });

  it('refuses unpaired data and is 0 for identical results', () => {
    expect(() => pairedDifferenceCI([1, 0], [1])).toThrow(/2 values before, 1 after/);
    expect(pairedDifferenceCI([1, 0, 1], [1, 0, 1])).toEqual({ mean: 0, low: 0, high: 0 });
  });
});

describe('seed-item bootstrap', () => {
  it('with one seed is the plain item bootstrap; seeds that disagree widen the interval', () => {
    const r = seedrandom('groups');
    const items = (p: number) => Array.from({ length: 100 }, () => (r() < p ? 1 : 0));
    const one = items(0.4);
    const single = seedItemBootstrapCI([one], { seed: 'x' });
    expect(single.mean).toBe(mean(one));
    expect(single.high - single.low).toBeGreaterThan(0.1);
    expect(single.high - single.low).toBeLessThan(0.25);
    // Three seeds that agree (each about 40%) against three that do not (10%, 40%, 70%).
    const agree = [items(0.4), items(0.4), items(0.4)];
    const spread = [items(0.1), items(0.4), items(0.7)];
    const a = seedItemBootstrapCI(agree, { seed: 'x' });
    const s = seedItemBootstrapCI(spread, { seed: 'x' });
    expect(s.mean).toBeCloseTo(mean(spread.map(mean)), 15);
    expect(s.high - s.low).toBeGreaterThan(2 * (a.high - a.low));
    expect(seedItemBootstrapCI(agree, { seed: 'x' })).toEqual(a);
    expect(() => seedItemBootstrapCI([[1], []])).toThrow(/without values/);
  });
});
