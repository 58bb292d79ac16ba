// Whole-model gradient check: TinyLMM with an image, in float64, analytic gradients of an RL-shaped
// loss over graph (a) (log-probs + value head) and of the SFT loss, against central differences.
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { createSession, type Dims, type HostTensor, Mul, ReduceSum, Add } from '../../../agent/engine/index.js';
import { padBatch, expandImageTokens, imageGrid, type ModelConfig, preprocessBatch, initParams, Tokenizer } from '../../../agent/model/index.js';
import { buildLogprobTrainGraph, buildSftTrainGraph, type TrainGraph } from '../../../training/trainer/train-graphs.js';
import { microConfig, randomImage } from '../../agent/model/helpers.js';

const tok = new Tokenizer();

function batchFor(c: ModelConfig) {
  // A 12x10 image at 4-pixel patches: a 3x3 grid, so rows and columns both reach the loss.
  const image = randomImage('g1');
  const withImage = expandImageTokens(tok.encode('<|im_start|>user\n<image>go?<|im_end|>\n<answer>L</answer>'), imageGrid(image.width, image.height, c.vision!));
  const textOnly = tok.encode('<think>hm</think><answer>4</answer>');
  const b = padBatch([withImage, textOnly], 'right');
  const pixels = preprocessBatch([image, null], c.vision!);
  return { b, pixels: Float64Array.from(pixels) };
}

async function check(c: ModelConfig, tg: TrainGraph, extra: (b: ReturnType<typeof padBatch>) => Record<string, HostTensor>): Promise<number> {
  const params = initParams(c, 7);
  const { b, pixels } = batchFor(c);
  const s = await createSession(tg.graph, { threads: 1 });
  const p64 = new Map([...params].map(([n, t]) => [n, { dims: t.shape, data: Float64Array.from(t.data) }]));
  const feeds = (): Record<string, HostTensor> => {
    const f: Record<string, HostTensor> = {
      input_ids: b.inputIds,
      attention_mask: b.attentionMask,
      pixel_values: { dtype: 'float64', dims: [2, c.vision!.maxPatches, 3 * c.vision!.patchSize ** 2], data: pixels },
      ...extra(b),
    };
    for (const [n, t] of p64) f[n] = { dtype: 'float64', dims: t.dims, data: t.data };
    return f;
  };
  const out = await s.run(feeds());
  // The image must really reach the loss, or the vision checks below would pass on zeros.
  const gv = out['grad.vision.patch.weight'].data as Float64Array;
  expect(gv.reduce((a, x) => a + Math.abs(x), 0)).toBeGreaterThan(1e-8);
  const rng = seedrandom('coords');
  const h = 1e-5;
  let worst = 0;
  for (const name of tg.params) {
    const t = p64.get(name)!;
    const grad = out[`grad.${name}`].data as Float64Array;
    for (let k = 0; k < 3; k++) {
      const i = Math.floor(rng() * t.data.length);
      const orig = t.data[i];
      t.data[i] = orig + h;
      const lp = Number((await s.run(feeds(), ['loss'])).loss.data[0]);
      t.data[i] = orig - h;
      const lm = Number((await s.run(feeds(), ['loss'])).loss.data[0]);
      t.data[i] = orig;
      const fd = (lp - lm) / (2 * h);
      const err = Math.abs(fd - grad[i]) / Math.max(Math.abs(fd), Math.abs(grad[i]), 1e-3);
      if (err > worst) worst = err;
      expect(err, `${name}[${i}]: analytic ${grad[i]} vs numeric ${fd}`).toBeLessThan(1e-6);
    }
  }
  await s.dispose();
  console.log(`gradcheck ${tg.graph.name}: worst relative error ${worst.toExponential(2)} over ${tg.params.length} tensors`);
  return worst;
}

describe('TinyLMM whole-model gradients (float64, with an image)', () => {
  for (const variant of [{}, { positions: 'rope' as const, mlp: 'swiglu' as const }]) {
    it(`log-probs + value head loss ${JSON.stringify(variant)}`, async () => {
      const c = microConfig(variant);
      const tg = buildLogprobTrainGraph(
        c,
        (g) => {
          const coefLp = g.graph.input('coef_lp', 'float64', g.logprobs.shape as Dims);
          const coefV = g.graph.input('coef_v', 'float64', g.values!.shape as Dims);
          return { loss: Add(ReduceSum(Mul(g.logprobs, coefLp), undefined, { keepdims: 0 }), ReduceSum(Mul(g.values!, coefV), undefined, { keepdims: 0 })) };
        },
        { dtype: 'float64', values: true },
      );
      const worst = await check(c, tg, (b) => {
        const r = seedrandom('coef');
        const lp = Float64Array.from({ length: b.batch * (b.seq - 1) }, () => r() - 0.5);
        const v = Float64Array.from({ length: b.batch * b.seq }, () => r() - 0.5);
        return { coef_lp: { dtype: 'float64', dims: [b.batch, b.seq - 1], data: lp }, coef_v: { dtype: 'float64', dims: [b.batch, b.seq], data: v } };
      });
      expect(worst).toBeLessThan(1e-6);
    });
  }

  it('SFT cross-entropy', async () => {
    const c = microConfig();
    const tg = buildSftTrainGraph(c, { dtype: 'float64' });
    await check(c, tg, (b) => ({
      loss_mask: { dtype: 'float64', dims: [b.batch, b.seq], data: Float64Array.from(b.attentionMask.data, (m) => Number(m)) },
    }));
  });
});
