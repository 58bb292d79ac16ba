// Tiny named cases for the backward pass, and gradient checks through named (symbolic) dims.
import { describe, expect, it } from 'vitest';
import * as E from '../../../agent/engine/index.js';
import { Graph, ReduceSum, createSession, tensor, toNumbers, type OpType } from '../../../agent/engine/index.js';
import { addTrainingOutputs, gradients } from '../../../training/autodiff/index.js';
import { gradError, ints, type InputSpec } from './gradcheck.js';

const run = async (g: Graph, feeds: Record<string, E.HostTensor>) => {
  const s = await createSession(g, { threads: 1 });
  try {
    return await s.run(feeds);
  } finally {
    await s.dispose();
  }
};
const sumAll = (v: E.Value) => ReduceSum(v, undefined, { keepdims: 0 });

describe('backward pass', () => {
  it('broadcasting: gradients are summed back to each input shape', async () => {
    const g = new Graph();
    const a = g.input('a', 'float64', [3, 1]);
    const b = g.input('b', 'float64', [1, 4]);
    const [ga, gb] = gradients(sumAll(E.Add(a, b)), [a, b]);
    expect(ga.shape).toEqual([3, 1]);
    g.output(ga, 'ga');
    g.output(gb, 'gb');
    const out = await run(g, { a: tensor('float64', [1, 2, 3], [3, 1]), b: tensor('float64', [1, 2, 3, 4], [1, 4]) });
    expect(out.ga.dims).toEqual([3, 1]);
    expect(toNumbers(out.ga.data)).toEqual([4, 4, 4]);
    expect(out.gb.dims).toEqual([1, 4]);
    expect(toNumbers(out.gb.data)).toEqual([3, 3, 3, 3]);
  });

  it('fan-out: contributions of every use add up', async () => {
    const g = new Graph();
    const x = g.input('x', 'float64', [3]);
    const [gx] = gradients(sumAll(E.Add(E.Mul(x, x), x)), [x]); // d/dx (x^2 + x) = 2x + 1
    g.output(gx, 'gx');
    const out = await run(g, { x: tensor('float64', [1, -2, 0.5], [3]) });
    expect(toNumbers(out.gx.data)).toEqual([3, -3, 2]);
  });

  it('an unused input gets a zero gradient of its shape', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2]);
    const u = g.input('u', 'float32', [2, 3]);
    const [, gu] = gradients(sumAll(E.Exp(x)), [x, u]);
    g.output(gu, 'gu');
    const out = await run(g, { x: tensor('float32', [0, 1], [2]), u: tensor('float32', [1, 2, 3, 4, 5, 6], [2, 3]) });
    expect(out.gu.dims).toEqual([2, 3]);
    expect(toNumbers(out.gu.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('integer inputs get none: asking is an error, using them as indices is fine', () => {
    const g = new Graph();
    const w = g.input('w', 'float32', [5, 2]);
    const idx = g.input('idx', 'int64', [3]);
    const mask = g.input('mask', 'bool', [3, 2]);
    const loss = sumAll(E.Where(mask, E.Gather(w, idx), 0));
    expect(() => gradients(loss, [idx])).toThrow(/int64: only float values have gradients/);
    expect(() => gradients(loss, [mask])).toThrow(/bool/);
    expect(gradients(loss, [w])[0].shape).toEqual([5, 2]);
  });

  it('an op without a rule fails with its name', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2]);
    const [y] = g.emit('Frobnicate' as OpType, [x], {} as never, [{ dtype: 'float32', shape: [2] }]);
    expect(() => gradients(sumAll(y), [x])).toThrow(/no gradient rule for op 'Frobnicate'/);
  });

  it('the loss must be a float scalar', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2]);
    expect(() => gradients(E.Exp(x), [x])).toThrow(/scalar/);
  });

  it('addTrainingOutputs names loss, aux outputs and grad.<param>', async () => {
    const g = new Graph();
    const w = g.input('w', 'float32', [2]);
    const y = E.Mul(w, w);
    const names = addTrainingOutputs(sumAll(y), [w], { y });
    expect(names).toEqual({ loss: 'loss', grads: ['grad.w'], aux: ['y'] });
    const out = await run(g, { w: tensor('float32', [1, 3], [2]) });
    expect(toNumbers(out.loss.data)).toEqual([10]);
    expect(toNumbers(out['grad.w'].data)).toEqual([2, 6]);
  });
});

describe('gradients through named dims (batch, seq)', () => {
  const f = (dims: number[], declared: (number | string)[]): InputSpec => ({ dims, declared });
  const ok = async (op: Parameters<typeof gradError>[0], specs: InputSpec[]) =>
    expect(await gradError(op, specs)).toBeLessThanOrEqual(1e-6);

  it('MatMul of a [batch, seq, C] activation with a weight', () => ok(E.MatMul, [f([2, 3, 4], ['batch', 'seq', 4]), f([4, 5], [4, 5])]));
  it('bias broadcast over batch', () => ok(E.Add, [f([3, 4], ['batch', 4]), f([4], [4])]));
  it('ReduceMean over seq', () => ok((x) => E.ReduceMean(x, [1], { keepdims: 0 }), [f([2, 3, 4], ['batch', 'seq', 4])]));
  it('ReduceMean over batch and seq', () => ok((x) => E.ReduceMean(x, [0, 1], { keepdims: 0 }), [f([2, 3, 4], ['batch', 'seq', 4])]));
  it('Slice x[:, :-1] along seq', () => ok((x) => E.Slice(x, [0], [-1], [1]), [f([2, 4, 3], ['batch', 'seq', 3])]));
  it('Slice x[:, 1:] along seq', () => ok((x) => E.Slice(x, [1], [2 ** 62], [1]), [f([2, 4, 3], ['batch', 'seq', 3])]));
  it('Concat along seq', () => ok((a, b) => E.Concat([a, b], { axis: 1 }), [f([2, 3, 2], ['batch', 's1', 2]), f([2, 1, 2], ['batch', 's2', 2])]));
  it('Reshape to heads and back', () =>
    ok((x) => E.Reshape(E.Transpose(E.Reshape(x, [0, 0, 2, 2]), { perm: [0, 2, 1, 3] }), [0, -1, 4]), [f([2, 3, 4], ['batch', 'seq', 4])]));
  it('embedding lookup with [batch, seq] ids', () =>
    ok((w, i) => E.Gather(w, i), [f([6, 3], [6, 3]), { ...ints([1, 5, 1, 0, 2, 2], [2, 3]), declared: ['batch', 'seq'] }]));
});
