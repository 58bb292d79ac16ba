// SFT micro-batches of similar lengths: the split saves padded tokens, and one update from the two
// parts' weighted gradients is the update of the whole batch (to float rounding).
import { describe, expect, it } from 'vitest';
import { createModel } from '../../../agent/model/index.js';
import { lengthBuckets, SftTrainer } from '../../../training/stages/sft-trainer.js';
import { randomTokens } from '../../agent/model/helpers.js';

describe('SFT length buckets', () => {
  it('splits short rows from long ones only where that saves 10% of the padded tokens', () => {
    expect(lengthBuckets([300, 40, 290, 35, 60])).toEqual([[1, 3, 4], [0, 2]]);
    expect(lengthBuckets([100, 110, 120])).toEqual([[0, 1, 2]]); // one padded length (128) for all
    expect(lengthBuckets([100, 90, 95])).toEqual([[1, 2], [0]]); // 2 x 96 + 128 against 3 x 128
    expect(lengthBuckets([64, 300])).toEqual([[0], [1]]);
    expect(lengthBuckets([7])).toEqual([[0]]);
  });

  it('one update from two parts equals the update from the whole batch', async () => {
    const rows = [randomTokens('a', 90), randomTokens('b', 12), randomTokens('c', 85), randomTokens('d', 9), randomTokens('e', 20)];
    const lossMask = rows.map((r, i) => r.map((_, t) => (t >= (i % 3) + 2 ? 1 : 0)));
    const params: Float32Array[][] = [];
    const stats: number[][] = [];
    for (const bucketing of [false, true]) {
      const model = createModel('tiny', { seed: 1, threads: 1, config: { dModel: 32, nLayers: 2, nHeads: 2, dMlp: 64, vision: null } });
      const trainer = new SftTrainer(model, { schedule: { lr: 1e-2 }, bucketing });
      const r = await trainer.step({ inputIds: rows, lossMask });
      expect(r.skipped).toBe(false);
      stats.push([r.loss, r.gradNorm]);
      params.push([...model.params.values()].map((t) => Float32Array.from(t.data)));
      await model.dispose();
    }
    // The loss (mean over every trained target) and the norm of the summed gradient agree...
    expect(stats[1][0]).toBeCloseTo(stats[0][0], 5);
    expect(stats[1][1] / stats[0][1]).toBeCloseTo(1, 5);
    // ...and so do the weights after the update (Adam's first step is about lr = 1e-2 a weight, and
    // a gradient near zero may land anywhere in [-lr, lr]: 4 digits).
    let moved = 0;
    params[0].forEach((a, i) =>
      a.forEach((x, k) => {
        expect(params[1][i][k]).toBeCloseTo(x, 4);
        moved = Math.max(moved, Math.abs(x));
      }),
    );
    expect(moved).toBeGreaterThan(0);
    expect(lengthBuckets(rows.map((r) => r.length))).toHaveLength(2); // the test did exercise the split
  });
});
