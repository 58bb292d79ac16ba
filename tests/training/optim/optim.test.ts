// AdamW against steps computed by hand, clipping, schedules.
import { describe, expect, it } from 'vitest';
import { AdamW, clipGradNorm, defaultDecay, globalNorm, lrAt } from '../../../training/optim/index.js';

describe('AdamW', () => {
  it('matches two hand-computed steps (bias correction, decoupled decay)', () => {
    const w = new Float32Array([1, -2]);
    const opt = new AdamW([{ name: 'w', data: w }], { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 });
    // Step 1, g = (0.5, 0.1), lr 0.1: m = 0.1 g, v = 0.001 g^2; m/(1-0.9) = g, v/(1-0.999) = g^2, so
    // the Adam step is lr * g/|g| = +-0.1; decay first multiplies w by 1 - 0.1*0.1 = 0.99.
    opt.update([new Float32Array([0.5, 0.1])], 0.1);
    expect(w[0]).toBeCloseTo(0.99 - 0.1, 6);
    expect(w[1]).toBeCloseTo(-1.98 - 0.1, 6);
    // Step 2, g = (-0.5, 0.1), lr 0.05:
    //   m = 0.9 m + 0.1 g = (0.045 - 0.05, 0.009 + 0.01) = (-0.005, 0.019); m^ = m / 0.19
    //   v = 0.999 v + 0.001 g^2 = (0.00024975 + 0.00025, 0.00000999 + 0.00001); v^ = v / 0.001999
    const mh = [-0.005 / 0.19, 0.019 / 0.19];
    const vh = [0.00049975 / 0.001999, 0.00001999 / 0.001999];
    const prev = [w[0], w[1]];
    opt.update([new Float32Array([-0.5, 0.1])], 0.05);
    for (let i = 0; i < 2; i++) {
      const want = prev[i] * (1 - 0.05 * 0.1) - (0.05 * mh[i]) / (Math.sqrt(vh[i]) + 1e-8);
      expect(w[i]).toBeCloseTo(want, 6);
    }
    expect(opt.step).toBe(2);
  });

  it('does not decay norms, biases or embeddings by default', () => {
    expect(['layers.0.attn.wq', 'lm_head', 'mlp.w1'].map(defaultDecay)).toEqual([true, true, true]);
    expect(['layers.0.norm1.weight', 'mlp.bias', 'tok_emb', 'wte', 'vision.pos_emb', 'ln_f', 'mlp.b1'].map(defaultDecay))
      .toEqual([false, false, false, false, false, false, false]);
    const w = new Float32Array([1]);
    const opt = new AdamW([{ name: 'norm.weight', data: w }], { weightDecay: 0.5 });
    opt.update([new Float32Array([0])], 0.1); // zero gradient: only decay could move it
    expect(w[0]).toBe(1);
  });

  it('folds a gradient scale in exactly as scaling the gradients first', () => {
    const run = (scaleInside: boolean) => {
      const params = [{ name: 'w', data: Float32Array.of(0.5, -1, 2) }];
      const opt = new AdamW(params, { weightDecay: 0.1 });
      for (let t = 0; t < 3; t++) {
        const g = Float32Array.of(0.3 * (t + 1), -0.2, 1.5);
        if (scaleInside) opt.update([g], 0.01, 0.25);
        else opt.update([g.map((x) => x * 0.25)], 0.01);
      }
      return Array.from(params[0].data);
    };
    const inside = run(true);
    run(false).forEach((x, i) => expect(inside[i]).toBeCloseTo(x, 6));
  });

  it('state round-trips', () => {
    const a = new AdamW([{ name: 'w', data: new Float32Array([1, 2]) }]);
    a.update([new Float32Array([0.3, -0.2])], 0.01);
    const w2 = new Float32Array([1, 2]);
    const b = new AdamW([{ name: 'w', data: w2 }]);
    b.load(a.state());
    expect(b.step).toBe(1);
    expect(b.state().m.w).toEqual(a.state().m.w);
  });
});

describe('clipping and schedules', () => {
  it('clips the global norm across all gradients', () => {
    const gs = [new Float32Array([3, 0]), new Float32Array([4])];
    expect(clipGradNorm(gs, 1)).toBeCloseTo(5, 6);
    expect(globalNorm(gs)).toBeCloseTo(1, 5);
    expect(gs[0][0] / gs[1][0]).toBeCloseTo(0.75, 6);
    expect(clipGradNorm(gs, 10)).toBeCloseTo(1, 5); // under the limit: unchanged
  });

  it('warms up linearly, then holds or follows a cosine to minLr', () => {
    const s = { lr: 1, warmup: 4 };
    expect([0, 1, 3, 4, 100].map((t) => lrAt(t, s))).toEqual([0.25, 0.5, 1, 1, 1]);
    const c = { lr: 1, warmup: 2, kind: 'cosine' as const, total: 12, minLr: 0 };
    expect(lrAt(2, c)).toBeCloseTo(1, 9);
    expect(lrAt(7, c)).toBeCloseTo(0.5, 9);
    expect(lrAt(12, c)).toBeCloseTo(0, 9);
    expect(lrAt(50, c)).toBeCloseTo(0, 9);
  });
});
