/**
 * Complexity checks instead of timing thresholds: a test times the same work at size n and 64n on
 * the same machine, in the same run, and asserts the ratio. Linear work gives about 64, quadratic
 * about 4096; the bound of 512 between them leaves a factor of 8 for noise (cache sizes, garbage
 * collection, the other test worker's load) either way. The two sizes are timed in alternation and
 * the median ratio taken, so that a burst of load hits both sides. (A 4x spread with a bound of 10
 * proved too narrow on this shared two-core machine.)
 */
import { expect } from 'vitest';

const SPREAD = 64;
const BOUND = 512;

/** Seconds per call of `work`, repeated for at least `ms` to rise above timer noise. */
function secondsPerCall(work: () => void, ms = 8): number {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    work();
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return elapsed / calls;
}

/** Median over five alternations of time at size 64n over time at size n. */
export function growthRatio(work: (n: number) => void, n: number): number {
  work(SPREAD * n); // warm-up: the first calls compile
  work(n);
  const ratios = [0, 1, 2, 3, 4].map(() => {
    const small = secondsPerCall(() => work(n));
    return secondsPerCall(() => work(SPREAD * n)) / small;
  });
  return ratios.sort((a, b) => a - b)[2];
}

/** Asserts that `work` grows no faster than about linearly (n log n passes too) from n to 64n. */
export function expectLinearGrowth(work: (n: number) => void, n: number, label = ''): void {
  expect(growthRatio(work, n), `time(${SPREAD}n) / time(n) ${label}`).toBeLessThan(BOUND);
}
