// Evaluation statistics: the unbiased pass@k estimator (Chen et al. 2021, "Evaluating Large Language
// Models Trained on Code"), mean and standard error, and a seeded percentile bootstrap CI of a mean.
import seedrandom from 'seedrandom';

/**
 * Unbiased pass@k from n samples of which c are correct: 1 - C(n-c, k) / C(n, k), computed as
 * Chen et al.'s numerically stable product 1 - prod_{i=n-c+1}^{n} (1 - k/i) (no huge binomials).
 * 1 when fewer than k samples are wrong (every k-subset holds a correct one).
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`pass@k: n = ${n} is not a positive integer`);
  if (!Number.isInteger(c) || c < 0 || c > n) throw new Error(`pass@k: c = ${c} is not an integer in [0, ${n}]`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`pass@k: k = ${k} is not an integer in [1, ${n}]`);
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** Mean pass@k over problems, each with its own sample count n and correct count c. */
export function meanPassAtK(results: readonly { n: number; c: number }[], k: number): number {
  return mean(results.map((r) => passAtK(r.n, r.c, k)));
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('mean of no values');
  return xs.reduce((a, x) => a + x, 0) / xs.length;
}

/** Standard error of the mean: sample std (n - 1) / sqrt(n); NaN for a single value. */
export function standardError(xs: readonly number[]): number {
  const m = mean(xs);
  const n = xs.length;
  if (n < 2) return NaN;
  const ss = xs.reduce((a, x) => a + (x - m) ** 2, 0);
  return Math.sqrt(ss / (n - 1) / n);
}

export interface BootstrapOptions {
  /** Resamples (default 1000). */
  resamples?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Seed of the resampling (default 'bootstrap'): the same seed and data give the same interval. */
  seed?: string;
}

export interface Interval {
  mean: number;
  low: number;
  high: number;
}

/**
 * Percentile bootstrap CI of the mean: `resamples` resamples with replacement (seedrandom's default
 * PRNG), their means sorted, the (1 - level)/2 and (1 + level)/2 quantiles taken with linear
 * interpolation between order statistics (numpy's default percentile).
 */
export function bootstrapCI(xs: readonly number[], opts: BootstrapOptions = {}): Interval {
  const m = mean(xs);
  const n = xs.length;
  return percentileInterval(m, opts, (rng) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[Math.floor(rng() * n)];
    return s / n;
  });
}

/** The percentile interval of `resamples` draws of `draw` (seeded), around the point estimate `m`. */
function percentileInterval(m: number, opts: BootstrapOptions, draw: (rng: () => number) => number): Interval {
  const resamples = opts.resamples ?? 1000;
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error(`bootstrap: ${resamples} resamples`);
  if (!(level > 0 && level < 1)) throw new Error(`bootstrap: level ${level} is not in (0, 1)`);
  const rng = seedrandom(opts.seed ?? 'bootstrap');
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) means[b] = draw(rng);
  means.sort();
  return { mean: m, low: quantile(means, (1 - level) / 2), high: quantile(means, (1 + level) / 2) };
}

/**
 * CI of the mean paired difference `after[i] - before[i]` over the same items (a percentile bootstrap
 * of the per-item differences). Two models on the same held-out items are compared this way rather
 * than by whether their separate intervals overlap: the item's own difficulty cancels, so the
 * interval is the one a before/after claim needs.
 */
export function pairedDifferenceCI(before: readonly number[], after: readonly number[], opts: BootstrapOptions = {}): Interval {
  if (before.length !== after.length) throw new Error(`paired difference: ${before.length} values before, ${after.length} after`);
  return bootstrapCI(after.map((a, i) => a - before[i]), opts);
}

/**
 * CI of a mean over seeds of per-item values (`groups[s][i]`: seed s, item i), by a two-level
 * bootstrap: seeds resampled with replacement, then items within each drawn seed. The interval
 * holds both the seed-to-seed spread of training and the item sampling of the held-out set; with
 * one seed it is the plain bootstrap over items. The point estimate is the mean of the seeds' means.
 */
export function seedItemBootstrapCI(groups: readonly (readonly number[])[], opts: BootstrapOptions = {}): Interval {
  if (groups.length === 0 || groups.some((g) => g.length === 0)) throw new Error('seed-item bootstrap: a seed without values');
  const S = groups.length;
  return percentileInterval(mean(groups.map(mean)), opts, (rng) => {
    let total = 0;
    for (let k = 0; k < S; k++) {
      const g = groups[Math.floor(rng() * S)];
      let s = 0;
      for (let i = 0; i < g.length; i++) s += g[Math.floor(rng() * g.length)];
      total += s / g.length;
    }
    return total / S;
  });
}

/** The q-quantile of sorted values, linear between order statistics (numpy's 'linear'). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new Error('quantile of no values');
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
