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
