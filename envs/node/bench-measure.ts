/**
 * Timing for the benchmark scripts. Every figure is printed beside a reference measured in the
 * same run, so that a reader on another (or a busier) machine can compare ratios, not seconds.
 */
import { performance } from 'node:perf_hooks';

export interface Rate {
  /** Operations per second, the median of the rounds. */
  perSec: number;
  rounds: number[];
}

/**
 * Runs `batch` (which performs `opsPerBatch` operations) repeatedly for about `ms` per round,
 * `rounds` times after one warm-up round, and reports the median rate.
 */
export function measure(batch: () => void, opsPerBatch: number, ms = 500, rounds = 5): Rate {
  const once = () => {
    let ops = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      batch();
      ops += opsPerBatch;
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    return (ops / elapsed) * 1000;
  };
  once();
  const results = Array.from({ length: rounds }, once);
  const sorted = [...results].sort((a, b) => a - b);
  return { perSec: sorted[Math.floor(sorted.length / 2)], rounds: results };
}

/**
 * The machine reference: a fixed JavaScript workload (an FNV-1a hash over 64 KiB, integer and
 * memory bound like env stepping) in hashes per second. Figures divided by it travel between
 * machines better than raw rates.
 */
export function referenceRate(ms = 500): Rate {
  const data = new Uint8Array(65536);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  let sink = 0;
  const rate = measure(() => {
    let h = 2166136261;
    for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 16777619);
    sink ^= h;
  }, 1, ms);
  if (sink === 0.5) console.log(sink); // keeps the loop from being optimised away
  return rate;
}

export function formatRate(perSec: number): string {
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(2)}M`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)}k`;
  return perSec.toFixed(1);
}

/**
 * A rate over the reference as "x12", "x1.5" or "x0.0031": two significant digits below 1, so that
 * slow rows (PNG frames, solving) do not all print as x0.0.
 */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio) || ratio <= 0) return `x${ratio}`;
  if (ratio >= 10) return `x${ratio.toFixed(0)}`;
  if (ratio >= 1) return `x${ratio.toFixed(1)}`;
  return `x${Number(ratio.toPrecision(2))}`;
}

/**
 * A warning when a reference measured several times in one run moved by more than `tolerance`
 * (max / min), or a figure came out above its reference: ratios against it are then unreliable.
 */
export function referenceWarning(name: string, samples: readonly number[], ratios: readonly number[], tolerance = 1.2): string | null {
  const lo = Math.min(...samples);
  const hi = Math.max(...samples);
  const problems: string[] = [];
  if (samples.length > 1 && hi / lo > tolerance) problems.push(`${name} ranged ${lo.toFixed(1)}-${hi.toFixed(1)} across the run (x${(hi / lo).toFixed(2)})`);
  const over = ratios.filter((r) => r > 1);
  if (over.length > 0) problems.push(`${over.length} figure(s) above 100% of ${name} (up to ${(100 * Math.max(...over)).toFixed(0)}%)`);
  return problems.length === 0 ? null : `WARNING: unstable reference: ${problems.join('; ')}; the machine is probably busy, so the % figures are unreliable (check uptime and rerun)`;
}
