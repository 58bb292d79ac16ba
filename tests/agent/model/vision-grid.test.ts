// The vision tower's 2D positions: patch k of an image `cols` wide sits at row k / cols, column
// k % cols, and gets those two embeddings; padding patches are no keys. Checked against the same
// arithmetic in plain JS on a tower without layers, and through whole-model logits: the grid read off
// the tokens (rows of <image> closed by <image_row>) reaches the tower.
import { describe, expect, it } from 'vitest';
import { createSession, Graph } from '../../../agent/engine/index.js';
import { createModel, IMAGE, IMAGE_ROW, initParams, preprocessBatch, visionEncoder, type ModelConfig } from '../../../agent/model/index.js';
import { microConfig, randomImage } from './helpers.js';

describe('vision tower positions', () => {
  it('adds the row and column embeddings of each patch (no layers: the sum, normed and projected)', async () => {
    const c: ModelConfig = microConfig({ vision: { patchSize: 2, maxPatches: 7, dModel: 4, nLayers: 0, nHeads: 1, dMlp: 8 } });
    const v = c.vision!;
    const params = initParams(c, 5);
    const g = new Graph('vision-only');
    const W = (name: string) => {
      const t = params.get(name)!;
      return g.initializer(name, { dtype: 'float32', dims: t.shape, data: t.data });
    };
    const pixels = g.input('pixels', 'float32', ['batch', 'patches', 3 * v.patchSize ** 2]);
    const count = g.input('count', 'int64', ['batch', 1]);
    const cols = g.input('cols', 'int64', ['batch', 1]);
    g.output(visionEncoder(c, W, pixels, count, cols), 'features');
    const s = await createSession(g, { threads: 1 });
    // Two images, 2x3 and 3x2 patches, all pixels zero: only the position embeddings differ.
    const N = v.maxPatches;
    const out = await s.run({
      pixels: { dtype: 'float32', dims: [2, N, 3 * v.patchSize ** 2], data: new Float32Array(2 * N * 12) },
      count: { dtype: 'int64', dims: [2, 1], data: BigInt64Array.from([6n, 6n]) },
      cols: { dtype: 'int64', dims: [2, 1], data: BigInt64Array.from([3n, 2n]) },
    });
    await s.dispose();
    const got = out.features.data as Float32Array;
    const P = (n: string) => params.get(n)!.data;
    const D = c.dModel;
    for (const [b, width] of [[0, 3], [1, 2]]) {
      for (let k = 0; k < 6; k++) {
        const h = Array.from({ length: v.dModel }, (_, i) => P('vision.patch.bias')[i] + P('vision.row.weight')[Math.floor(k / width) * v.dModel + i] + P('vision.col.weight')[(k % width) * v.dModel + i]);
        const ms = h.reduce((a, x) => a + x * x, 0) / v.dModel;
        const normed = h.map((x, i) => (x / Math.sqrt(ms + c.normEps)) * P('vision.norm.weight')[i]);
        for (let j = 0; j < D; j++) {
          const want = P('vision.proj.bias')[j] + normed.reduce((a, x, i) => a + x * P('vision.proj.weight')[i * D + j], 0);
          expect(Math.abs(got[(b * N + k) * D + j] - want), `image ${b} patch ${k} feature ${j}`).toBeLessThan(1e-4);
        }
      }
    }
  });

  it('reads the grid off the tokens: the same patches laid out 2x3 or 3x2 give other logits', async () => {
    const model = createModel('tiny', { seed: 4, threads: 1, config: microConfig() });
    const pixels = preprocessBatch([randomImage('grid', 12, 8)], model.config.vision!); // 2x3 patches of 4 px
    const row = (rows: number, cols: number) => [65, ...Array.from({ length: rows }, () => [...Array<number>(cols).fill(IMAGE), IMAGE_ROW]).flat(), 66, 67];
    const a = await model.logits({ inputIds: [row(2, 3)], pixelValues: pixels });
    const b = await model.logits({ inputIds: [row(3, 2)], pixelValues: pixels });
    const last = (x: Float32Array) => Array.from(x.subarray(x.length - model.config.vocabSize));
    expect(last(a.data)).not.toEqual(last(b.data));
    expect(() => model.checkRows([[65, IMAGE, IMAGE, IMAGE_ROW, IMAGE, IMAGE_ROW]], true)).toThrow(/image rows differ in length \(2 and 1 patches\)/);
    expect(() => model.checkRows([[65, IMAGE, IMAGE, 66]], true)).toThrow(/not closed by <image_row>/);
    expect(() => model.checkRows([[...row(2, 5)]], true)).toThrow(/2x5 patches; the model reads at most 9/);
    await model.dispose();
  });
});
