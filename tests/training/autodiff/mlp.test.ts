// End to end: a 2-layer MLP's training graph from the autodiff, AdamW over Float32Arrays, loss
// going down; and bit-identical steps for the same inputs and thread count.
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import * as E from '../../../agent/engine/index.js';
import { Graph, createSession, tensor, type EngineSession, type HostTensor } from '../../../agent/engine/index.js';
import { addTrainingOutputs, gradients } from '../../../training/autodiff/index.js';
import { AdamW, clipGradNorm, lrAt } from '../../../training/optim/index.js';

const D = 8, H = 32, K = 3, N = 64;
const shapes: Record<string, number[]> = { w1: [D, H], b1: [H], w2: [H, K], b2: [K] };

/** Mean cross-entropy of a 2-layer ReLU MLP; parameters are graph inputs. */
function mlpGraph() {
  const g = new Graph('mlp-train');
  const x = g.input('x', 'float32', ['batch', D]);
  const y = g.input('y', 'int64', ['batch', 1]);
  const p = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, g.input(k, 'float32', s)]));
  const h = E.Relu(E.Add(E.MatMul(x, p.w1), p.b1)); // (batch, H)
  const logits = E.Add(E.MatMul(h, p.w2), p.b2); // (batch, K)
  const nll = E.Neg(E.GatherElements(E.LogSoftmax(logits, { axis: -1 }), y, { axis: 1 })); // (batch, 1)
  const loss = E.ReduceMean(nll, undefined, { keepdims: 0 });
  const names = addTrainingOutputs(loss, Object.values(p), { logits });
  return { g, names };
}

function data(seed: string) {
  const rng = seedrandom(seed);
  const xs = Array.from({ length: N * D }, () => rng() * 2 - 1);
  // Label: which of three fixed projections of x is largest (learnable, not linearly trivial).
  const ys = Array.from({ length: N }, (_, i) => {
    const r = xs.slice(i * D, i * D + D);
    const s = [r[0] + r[1] - r[2], r[3] * r[4] * 2, r[5] - r[6] + r[7]];
    return s.indexOf(Math.max(...s));
  });
  return { x: tensor('float32', xs, [N, D]), y: tensor('int64', ys, [N, 1]) };
}

function initParams(seed: string): Record<string, Float32Array> {
  const rng = seedrandom(seed);
  return Object.fromEntries(
    Object.entries(shapes).map(([k, s]) => {
      const fanIn = s.length > 1 ? s[0] : 1;
      const scale = k.startsWith('b') ? 0 : 1 / Math.sqrt(fanIn);
      return [k, Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => (rng() * 2 - 1) * scale)];
    }),
  );
}

async function train(session: EngineSession, steps: number, seed: string) {
  const params = initParams(seed);
  const { x, y } = data(seed);
  const opt = new AdamW(Object.entries(params).map(([name, d]) => ({ name, data: d })), { weightDecay: 0.01 });
  const losses: number[] = [];
  for (let t = 0; t < steps; t++) {
    const feeds: Record<string, HostTensor> = { x, y };
    for (const [k, d] of Object.entries(params)) feeds[k] = tensor('float32', d, shapes[k]);
    const out = await session.run(feeds, ['loss', ...Object.keys(params).map((k) => `grad.${k}`)]);
    losses.push((out.loss.data as Float32Array)[0]);
    const grads = Object.keys(params).map((k) => out[`grad.${k}`].data as Float32Array);
    clipGradNorm(grads, 5);
    opt.update(grads, lrAt(t, { lr: 0.02, warmup: 10 }));
  }
  return { losses, params };
}

describe('MLP trained through the autodiff graph', () => {
  it('AdamW reduces the loss', async () => {
    const s = await createSession(mlpGraph().g, { threads: 2 });
    const { losses } = await train(s, 150, 'mlp');
    await s.dispose();
    expect(losses[losses.length - 1]).toBeLessThan(0.3 * losses[0]);
  });

  it('same inputs and thread count give bit-identical steps, across runs and sessions', async () => {
    const a = await createSession(mlpGraph().g, { threads: 2 });
    const b = await createSession(mlpGraph().g, { threads: 2 });
    const r1 = await train(a, 20, 'det');
    const r2 = await train(a, 20, 'det');
    const r3 = await train(b, 20, 'det');
    await a.dispose();
    await b.dispose();
    expect(r2.losses).toEqual(r1.losses);
    expect(r3.losses).toEqual(r1.losses);
    for (const k of Object.keys(shapes)) {
      expect(Buffer.from(r2.params[k].buffer).equals(Buffer.from(r1.params[k].buffer))).toBe(true);
      expect(Buffer.from(r3.params[k].buffer).equals(Buffer.from(r1.params[k].buffer))).toBe(true);
    }
  });

  it('embedding gradients (repeated ids) are bit-identical with 2 threads', async () => {
    const g = new Graph();
    const w = g.input('w', 'float32', [256, 64]);
    const ids = g.input('ids', 'int64', ['batch', 'seq']);
    const e = E.Gather(w, ids); // (B, T, 64)
    g.output(gradients(E.ReduceSum(E.Mul(e, e), undefined, { keepdims: 0 }), [w])[0], 'gw');
    const feeds = {
      w: tensor('float32', Float32Array.from({ length: 256 * 64 }, (_, i) => Math.sin(i) * 0.37), [256, 64]),
      ids: tensor('int64', Array.from({ length: 4096 }, (_, i) => (i * 37) % 7), [8, 512]),
    };
    const runs: Buffer[] = [];
    for (let k = 0; k < 3; k++) {
      const s = await createSession(g, { threads: 2 });
      for (let r = 0; r < 5; r++) runs.push(Buffer.from(((await s.run(feeds)).gw.data as Float32Array).buffer));
      await s.dispose();
    }
    expect(runs.every((b) => b.equals(runs[0]))).toBe(true);
  });
});
