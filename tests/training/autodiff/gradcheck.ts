// Shared helper for op tests: builds `op(inputs)`, checks the forward pass (against a JS reference
// when given) and every float input's gradient against central finite differences.
import seedrandom from 'seedrandom';
import {
  Graph, Mul, ReduceSum, createSession, fromNumbers, isFloat, sizeOf, tensor, toNumbers,
  type DType, type HostTensor, type Value,
} from '../../../agent/engine/index.js';
import { gradients } from '../../../training/autodiff/index.js';

export interface InputSpec {
  dims: number[];
  dtype?: DType;
  /** Fixed values (required for int and bool inputs). */
  values?: number[];
  /** Draw floats from [0.5, 1.5] instead of +-[0.2, 1] (logs, roots, divisors). */
  positive?: boolean;
  /** The dims the graph declares, when they should be named (symbolic) rather than static. */
  declared?: (number | string)[];
}
export type Spec = number[] | InputSpec;

export interface CheckOptions {
  /** Float type of float inputs; float64 unless an op lacks float64 kernels. */
  dtype?: 'float32' | 'float64';
  seed?: string;
  /** Elementwise reference for the forward pass of same-shape unary ops. */
  ref?: (x: number) => number;
}

export const ints = (values: number[], dims: number[]): InputSpec => ({ dims, dtype: 'int64', values });
export const bools = (values: number[], dims: number[]): InputSpec => ({ dims, dtype: 'bool', values });
export const pos = (dims: number[]): InputSpec => ({ dims, positive: true });

function feedsFor(specs: InputSpec[], dtype: DType, rng: () => number): HostTensor[] {
  return specs.map((s) => {
    const dt = s.dtype ?? dtype;
    if (s.values) return tensor(dt, s.values, s.dims);
    const n = sizeOf(s.dims);
    const vals = Array.from({ length: n }, () => {
      if (s.positive) return 0.5 + rng();
      const m = 0.2 + 0.8 * rng();
      return rng() < 0.5 ? -m : m;
    });
    return tensor(dt, vals, s.dims);
  });
}

function build(specs: InputSpec[], dtype: DType, op: (...xs: Value[]) => Value) {
  const g = new Graph('check');
  const xs = specs.map((s, i) => g.input(`x${i}`, s.dtype ?? dtype, s.declared ?? s.dims));
  return { g, xs, y: op(...xs) };
}

/** Largest relative error (norm-wise, per input) between analytic and numeric gradients. */
export async function gradError(op: (...xs: Value[]) => Value, specs0: Spec[], opts: CheckOptions = {}): Promise<number> {
  const dtype = opts.dtype ?? 'float64';
  const specs = specs0.map((s) => (Array.isArray(s) ? { dims: s } : s));
  const rng = seedrandom(opts.seed ?? 'gradcheck');
  const feeds = feedsFor(specs, dtype, rng);
  const feedMap = (fs: HostTensor[]) => Object.fromEntries(fs.map((f, i) => [`x${i}`, f]));

  // Forward pass alone: output dims, and the reference check.
  const fwd = build(specs, dtype, op);
  fwd.g.output(fwd.y, 'y');
  const s1 = await createSession(fwd.g, { threads: 1 });
  const { y } = await s1.run(feedMap(feeds));
  await s1.dispose();
  if (opts.ref) {
    const xs = toNumbers(feeds[0].data);
    toNumbers(y.data).forEach((v, i) => {
      const want = opts.ref!(xs[i]);
      if (Math.abs(v - want) > 1e-6 * Math.max(1, Math.abs(want))) throw new Error(`forward mismatch at ${i}: ${v} vs ${want}`);
    });
  }

  // loss = sum(y * r) with fixed random r, so every output element weighs differently.
  const tr = build(specs, dtype, op);
  const r = tr.g.constant(tensor(dtype, Array.from({ length: sizeOf(y.dims) }, () => rng() * 2 - 1), y.dims));
  const loss = ReduceSum(Mul(tr.y, r), undefined, { keepdims: 0 });
  const floatIdx = specs.flatMap((s, i) => (isFloat(s.dtype ?? dtype) ? [i] : [])); // an explicit float dtype is checked too
  const grads = gradients(loss, floatIdx.map((i) => tr.xs[i]));
  tr.g.output(loss, 'loss');
  grads.forEach((gv, k) => tr.g.output(gv, `g${k}`));
  const sess = await createSession(tr.g, { threads: 1 });
  try {
    const analytic = await sess.run(feedMap(feeds));
    const lossAt = async (fs: HostTensor[]) => toNumbers((await sess.run(feedMap(fs), ['loss'])).loss.data)[0];
    let worst = 0;
    for (const [k, i] of floatIdx.entries()) {
      const base = toNumbers(feeds[i].data);
      const num: number[] = [];
      for (let j = 0; j < base.length; j++) {
        const h = (dtype === 'float64' ? 1e-6 : 1e-2) * Math.max(1, Math.abs(base[j]));
        const at = async (delta: number) => {
          const v = base.slice();
          v[j] += delta;
          const fs = feeds.slice();
          fs[i] = { dtype: feeds[i].dtype, dims: feeds[i].dims, data: fromNumbers(feeds[i].dtype, v) };
          return lossAt(fs);
        };
        num.push(((await at(h)) - (await at(-h))) / (2 * h));
      }
      const ana = toNumbers(analytic[`g${k}`].data);
      if (ana.length !== num.length) throw new Error(`gradient ${k} has ${ana.length} elements, input has ${num.length}`);
      const norm = (v: number[]) => Math.sqrt(v.reduce((p, x) => p + x * x, 0));
      const diff = norm(ana.map((a, j) => a - num[j]));
      const scale = Math.max(norm(ana), norm(num), 1e-12);
      worst = Math.max(worst, diff / scale);
    }
    return worst;
  } finally {
    await sess.dispose();
  }
}
