// Builder + serialiser + runtime: symbolic batch dims, initializers, fetch subsets, lifetimes, CUDA errors.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as E from '../../../agent/engine/index.js';
import { cudaProviderInstalled, CUDA_INSTALL_HINT, Graph, createSession, tensor, toNumbers, toOnnx } from '../../../agent/engine/index.js';

function affine() {
  const g = new Graph('affine');
  const x = g.input('x', 'float32', ['batch', 2]);
  const w = g.initializer('w', tensor('float32', [1, 2, 3, 4], [2, 2])); // baked weight
  const y = E.Add(E.MatMul(x, w), 1);
  expect(y.shape).toEqual(['batch', 2]);
  g.output(y, 'y');
  g.output(E.ReduceSum(y, [1], { keepdims: 0 }), 'rowsum');
  return g;
}

describe('runtime', () => {
  it('one session serves any batch size; initializers are baked in', async () => {
    const s = await createSession(affine(), { threads: 1 });
    const a = await s.run({ x: tensor('float32', [1, 1], [1, 2]) });
    expect(a.y.dims).toEqual([1, 2]);
    expect(toNumbers(a.y.data)).toEqual([5, 7]);
    const b = await s.run({ x: tensor('float32', [1, 0, 0, 1, 2, 2], [3, 2]) }, ['rowsum']);
    expect(Object.keys(b)).toEqual(['rowsum']);
    expect(toNumbers(b.rowsum.data)).toEqual([5, 9, 22]);
    expect(b.rowsum.data).toBeInstanceOf(Float32Array);
    await s.dispose();
    await expect(s.run({ x: tensor('float32', [1, 1], [1, 2]) })).rejects.toThrow(/after dispose/);
  });

  it('serialises to ONNX bytes that load from a buffer too', async () => {
    const bytes = toOnnx(affine());
    expect(bytes.length).toBeGreaterThan(50);
    const s = await createSession(bytes);
    expect(s.inputNames).toEqual(['x']);
    expect(s.outputNames).toEqual(['y', 'rowsum']);
    await s.dispose();
  });

  it('int64 and bool tensors round-trip', async () => {
    const g = new Graph();
    const i = g.input('i', 'int64', [3]);
    g.output(E.Less(i, 2), 'lt');
    g.output(E.Add(i, 10), 'plus');
    const s = await createSession(g);
    const out = await s.run({ i: tensor('int64', [1, 2, 3], [3]) });
    expect(Array.from(out.lt.data as Uint8Array)).toEqual([1, 0, 0]);
    expect(out.plus.data).toEqual(new BigInt64Array([11n, 12n, 13n]));
    await s.dispose();
  });

  it("device 'cuda' without the CUDA binaries fails naming the install command, without ORT's native red line", async () => {
    if (cudaProviderInstalled()) return; // a CUDA install: nothing to check here
    await expect(createSession(affine(), { device: 'cuda' })).rejects.toThrow(CUDA_INSTALL_HINT);
    expect(CUDA_INSTALL_HINT).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node');
    // ORT writes that line to the process's stderr itself, so only a child process can see it.
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'cuda-session.ts')], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stdout).toContain('the CUDA execution provider is not installed');
    expect(child.stderr).not.toMatch(/Failed to load library/);
  }, 60_000);

  it('shape inference keeps named dims through reshapes and transposes', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', ['batch', 'seq', 8]);
    const h = E.Transpose(E.Reshape(x, [0, 0, 2, 4]), { perm: [0, 2, 1, 3] });
    expect(h.shape).toEqual(['batch', 2, 'seq', 4]); // (B, nh, T, hs)
    expect(E.Reshape(h, [-1, 4]).shape).toEqual(['?', 4]);
    expect(E.MatMul(h, E.Transpose(h, { perm: [0, 1, 3, 2] })).shape).toEqual(['batch', 2, 'seq', 'seq']);
    expect(() => E.Add(g.input('a', 'float32', [3]), g.input('b', 'float32', [4]))).toThrow(/broadcast/);
  });

  it('Slice shapes inferred at build time match what ORT computes, negative steps included', async () => {
    const cases: Array<[number, number, number]> = [[-100, -200, -1], [4, -200, -2], [10, 0, -1], [-1, -6, -1], [1, 100, 2], [-2, 100, 1], [3, 1, 1]];
    const g = new Graph();
    const x = g.input('x', 'float32', [5]);
    const ys = cases.map(([st, en, sp], i) => g.output(E.Identity(E.Slice(x, [st], [en], [0], [sp])), `y${i}`));
    const s = await createSession(g, { threads: 1 });
    const out = await s.run({ x: tensor('float32', [0, 1, 2, 3, 4], [5]) });
    ys.forEach((y, i) => expect(y.shape, `case ${cases[i]}`).toEqual(out[`y${i}`].dims));
    await s.dispose();
  });
});
