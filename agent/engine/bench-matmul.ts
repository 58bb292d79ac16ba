// ORT's peak float32 MatMul rate on this machine: the reference that bench:engine divides by.
import os from 'node:os';
import { MatMul } from './ops/linalg.js';
import { Graph } from './graph.js';
import { createSession } from './runtime.js';
import { tensor } from './dtype.js';

export interface MatmulPeak {
  /** The better of the sizes measured, in GFLOP/s. */
  gflops: number;
  bySize: Record<number, number>;
  threads: number;
}

/** Best GFLOP/s of `runs` timed calls of an n x n by n x n product (one MatMul per graph). */
async function timeSquare(n: number, threads: number, runs: number): Promise<number> {
  const g = new Graph(`matmul${n}`);
  g.output(MatMul(g.input('a', 'float32', [n, n]), g.input('b', 'float32', [n, n])), 'c');
  const s = await createSession(g, { threads });
  try {
    const data = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
    const feeds = { a: tensor('float32', data, [n, n]), b: tensor('float32', data, [n, n]) };
    await s.run(feeds); // warm-up: allocations, thread pool start
    let best = Infinity;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await s.run(feeds); // includes copying the n x n result back: a lone MatMul cannot avoid it
      best = Math.min(best, performance.now() - t0);
    }
    return (2 * n ** 3) / (best / 1e3) / 1e9;
  } finally {
    await s.dispose();
  }
}

/**
 * Peak MatMul GFLOP/s: float32 square products of 1024 and 2048 with all intra-op threads (or
 * `threads`), best of `runs` timings each, the better size reported. Takes a few seconds.
 */
export async function measurePeakMatmulGflops(opts: { threads?: number; runs?: number; sizes?: readonly number[] } = {}): Promise<MatmulPeak> {
  const threads = opts.threads ?? os.availableParallelism();
  const runs = opts.runs ?? 5;
  const bySize: Record<number, number> = {};
  for (const n of opts.sizes ?? [1024, 2048]) bySize[n] = await timeSquare(n, threads, runs);
  return { gflops: Math.max(...Object.values(bySize)), bySize, threads };
}
