// One line per differentiable op: analytic gradient vs central finite differences in float64
// (relative error <= 1e-6), broadcasting included. Erf has no float64 kernel: checked in float32.
import { describe, expect, it } from 'vitest';
import * as E from '../../../agent/engine/index.js';
import type { Value } from '../../../agent/engine/index.js';
import { bools, gradError, ints, pos, type CheckOptions, type Spec } from './gradcheck.js';

const TOL = 1e-6;
const op = (name: string, f: (...xs: Value[]) => Value, specs: Spec[], opts: CheckOptions & { tol?: number } = {}) =>
  it(name, async () => {
    const err = await gradError(f, specs, opts);
    if (process.env.GRADCHECK_REPORT) console.log(`gradcheck ${name}: ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(opts.tol ?? TOL);
  });

describe('linear algebra', () => {
  op('MatMul 2-D', E.MatMul, [[3, 4], [4, 5]]);
  op('MatMul batched x shared weight', E.MatMul, [[2, 3, 4], [4, 5]]);
  op('MatMul batched x batched', E.MatMul, [[2, 3, 4], [2, 4, 5]]);
  op('MatMul broadcast batch axes', E.MatMul, [[2, 1, 3, 4], [3, 4, 2]]);
  op('Trilu lower', (x) => E.Trilu(x, 0, { upper: 0 }), [[4, 4]]);
  op('Trilu upper k=1', (x) => E.Trilu(x, 1), [[2, 3, 4]]);
});

describe('elementwise', () => {
  op('Add broadcast', E.Add, [[3, 4], [4]]);
  op('Sub broadcast both ways', E.Sub, [[3, 1], [1, 4]]);
  op('Mul broadcast', E.Mul, [[2, 3, 4], [3, 1]]);
  op('Div', E.Div, [[3, 4], pos([3, 4])]);
  op('Pow base and exponent', E.Pow, [pos([3, 4]), [4]]);
  op('Pow constant exponent', (x) => E.Pow(x, 3), [[3, 4]]);
  op('Max', E.Max, [[3, 4], [3, 4]]);
  op('Min broadcast', E.Min, [[3, 4], [4]]);
  op('Neg', E.Neg, [[3, 4]], { ref: (x) => -x });
  op('Exp', E.Exp, [[3, 4]], { ref: Math.exp });
  op('Log', E.Log, [pos([3, 4])], { ref: Math.log });
  op('Sqrt', E.Sqrt, [pos([3, 4])], { ref: Math.sqrt });
  op('Tanh', E.Tanh, [[3, 4]], { ref: Math.tanh });
  op('Erf (float32)', E.Erf, [[3, 4]], { dtype: 'float32', tol: 5e-3 });
  op('Sigmoid', E.Sigmoid, [[3, 4]], { ref: (x) => 1 / (1 + Math.exp(-x)) });
  op('Relu', E.Relu, [[3, 4]], { ref: (x) => Math.max(0, x) });
  op('Reciprocal', E.Reciprocal, [pos([3, 4])], { ref: (x) => 1 / x });
  op('Abs', E.Abs, [[3, 4]], { ref: Math.abs });
  op('Identity', E.Identity, [[3, 4]]);
  op('Where broadcast', (c, a, b) => E.Where(c, a, b), [bools([1, 0, 0, 1], [4]), [3, 4], [3, 1]]);
  op('Cast float64 -> float64', (x) => E.Cast(x, 'float64'), [[3, 4]]);
});

describe('reductions and normalisers', () => {
  op('ReduceSum axis keepdims=0', (x) => E.ReduceSum(x, [1], { keepdims: 0 }), [[2, 3, 4]]);
  op('ReduceSum negative axes keepdims=1', (x) => E.ReduceSum(x, [-1, 0]), [[2, 3, 4]]);
  op('ReduceSum all', (x) => E.ReduceSum(x, undefined, { keepdims: 0 }), [[2, 3]]);
  op('ReduceMean', (x) => E.ReduceMean(x, [-1], { keepdims: 0 }), [[2, 3, 4]]);
  op('ReduceMean all keepdims', (x) => E.ReduceMean(x), [[2, 3]]);
  op('ReduceMax', (x) => E.ReduceMax(x, [1], { keepdims: 0 }), [[2, 3, 4]]);
  op('ReduceMean noop_with_empty_axes (identity)', (x) => E.ReduceMean(x, [], { keepdims: 0, noop_with_empty_axes: 1 }), [[2, 3]]);
  op('ReduceMax noop_with_empty_axes, axes omitted', (x) => E.ReduceMax(x, undefined, { noop_with_empty_axes: 1 }), [[2, 3]]);
  op('ReduceSum noop_with_empty_axes', (x) => E.ReduceSum(x, [], { keepdims: 0, noop_with_empty_axes: 1 }), [[2, 3]]);
  op('Softmax', (x) => E.Softmax(x, { axis: -1 }), [[2, 3, 4]]);
  op('Softmax axis 1', (x) => E.Softmax(x, { axis: 1 }), [[2, 3, 4]]);
  op('LogSoftmax', (x) => E.LogSoftmax(x, { axis: -1 }), [[2, 3, 4]]);
  op('CumSum', (x) => E.CumSum(x, 1), [[2, 4]]);
  op('CumSum reverse exclusive', (x) => E.CumSum(x, -1, { reverse: 1, exclusive: 1 }), [[2, 4]]);
});

describe('shapes', () => {
  op('Transpose perm', (x) => E.Transpose(x, { perm: [2, 0, 1] }), [[2, 3, 4]]);
  op('Transpose default', (x) => E.Transpose(x), [[2, 3, 4]]);
  op('Reshape', (x) => E.Reshape(x, [0, -1]), [[2, 3, 4]]);
  op('Unsqueeze', (x) => E.Unsqueeze(x, [0, -1]), [[3, 4]]);
  op('Squeeze', (x) => E.Squeeze(x, [1]), [[3, 1, 4]]);
  op('Concat', (a, b, c) => E.Concat([a, b, c], { axis: 1 }), [[2, 1, 3], [2, 2, 3], [2, 3, 3]]);
  op('Slice', (x) => E.Slice(x, [1, 0], [3, -1], [0, 2]), [[4, 3, 5]]);
  op('Slice negative start', (x) => E.Slice(x, [-2], [100], [1]), [[3, 5]]);
  op('Pad', (x) => E.Pad(x, [1, 0, 0, 2]), [[3, 4]]);
  op('Pad with a float fill value (it gets the padding\'s gradient)', (x, v) => E.Pad(x, [1, 0, 0, 2], v), [[3, 4], []]);
  op('Expand', (x) => E.Expand(x, [2, 3, 4]), [[3, 1]]);
});

describe('indexing', () => {
  op('Gather rows, repeated indices', (w, i) => E.Gather(w, i), [[5, 3], ints([1, 4, 1, 0, 1, 2], [2, 3])]);
  op('Gather from a 3-D table', (w, i) => E.Gather(w, i), [[4, 2, 3], ints([3, 0, 3], [3])]);
  op('Gather int32 ids', (w, i) => E.Gather(w, i), [[4, 3], { dims: [3], dtype: 'int32', values: [3, -4, 3] }]);
  op('Gather negative ids', (w, i) => E.Gather(w, i), [[4, 3], ints([-1, 0, 3], [3])]);
  op('GatherElements', (x, i) => E.GatherElements(x, i, { axis: 1 }), [[3, 4], ints([0, 3, 3, 1, 1, 1], [3, 2])]);
  op('GatherElements negative axis and ids, repeated', (x, i) => E.GatherElements(x, i, { axis: -1 }), [[3, 4], ints([-1, 3, 0, -4, 2, 2], [3, 2])]);
  op('GatherND', (x, i) => E.GatherND(x, i), [[3, 4], ints([0, 1, 2, 2, 0, 1], [3, 2])]);
  op('GatherND rows, repeated and negative', (x, i) => E.GatherND(x, i), [[3, 2, 2], ints([2, 0, -1], [3, 1])]);
  op('ScatterND replace', (d, i, u) => E.ScatterND(d, i, u), [[4, 3], ints([2, 0], [2, 1]), [2, 3]]);
  op('ScatterND add, repeated', (d, i, u) => E.ScatterND(d, i, u, { reduction: 'add' }), [[4, 3], ints([2, 2, 0], [3, 1]), [3, 3]]);
  op('ScatterElements', (d, i, u) => E.ScatterElements(d, i, u, { axis: 1 }), [[2, 4], ints([3, 0, 1, 2], [2, 2]), [2, 2]]);
  op('ScatterElements add, repeated', (d, i, u) => E.ScatterElements(d, i, u, { axis: 0, reduction: 'add' }), [[3, 2], ints([1, 1, 1, 0], [2, 2]), [2, 2]]);
});

describe('one input used twice by the same node', () => {
  op('MatMul x @ x', (x) => E.MatMul(x, x), [[3, 3]]);
  op('Concat [x, x]', (x) => E.Concat([x, x], { axis: -1 }), [[2, 3]]);
  op('Div x / x + x', (x) => E.Add(E.Div(x, x), x), [[2, 3]]);
  op('Where(c, x, x)', (c, x) => E.Where(c, x, x), [bools([1, 0, 1], [3]), [2, 3]]);
});

describe('composites the model uses', () => {
  const gelu = (x: Value) =>
    E.Mul(E.Mul(x, 0.5), E.Add(1, E.Tanh(E.Mul(E.Add(x, E.Mul(E.Pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))));
  op('GELU (tanh form)', gelu, [[3, 4]]);
  op('RMSNorm', (x, w) => E.Mul(E.Div(x, E.Sqrt(E.Add(E.ReduceMean(E.Mul(x, x), [-1]), 1e-5))), w), [[2, 3, 4], [4]]);
  op('SwiGLU', (x, a, b) => E.Mul(E.Mul(E.MatMul(x, a), E.Sigmoid(E.MatMul(x, a))), E.MatMul(x, b)), [[2, 3], [3, 4], [3, 4]]);
  op('cross-entropy', (z, t) => E.Neg(E.GatherElements(E.LogSoftmax(z, { axis: -1 }), t, { axis: 1 })), [[3, 5], ints([4, 0, 2], [3, 1])]);
  op('causal masked softmax', (s) => {
    const mask = E.Trilu(E.ConstantOfShape(s.graph.ints([4, 4]), { value: E.tensor('bool', [1], [1]) }), 0, { upper: 0 });
    return E.Softmax(E.Where(mask, s, -1e9), { axis: -1 });
  }, [[2, 4, 4]]);
});
