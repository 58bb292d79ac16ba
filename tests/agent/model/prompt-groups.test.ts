// The grouped graph (each prompt run once for the responses that follow it) against whole rows:
// the same log-probs and values, and the same gradients, for groups of any size, with images, with
// RoPE and SwiGLU, a one-token prompt and an empty response.
import { describe, expect, it } from 'vitest';
import { createSession, type HostTensor, Add, Mul, ReduceSum } from '../../../agent/engine/index.js';
import { responseLogprobs, createModel, padBatch, expandImageTokens, imageGrid, type ModelConfig, buildGroupedLogprobGraph, buildLogprobGraph, preprocessBatch, initParams, groupByPrompt, IMAGE, Tokenizer } from '../../../agent/model/index.js';
import { gradients } from '../../../training/autodiff/index.js';
import { microConfig, randomImage, randomTokens } from './helpers.js';

const tok = new Tokenizer();

/** Three groups (sizes 3, 1, 2): an image prompt, a one-token prompt, a text prompt; one empty response. */
function rows(c: ModelConfig) {
  const image = randomImage('a');
  const img = expandImageTokens(tok.encode('<|im_start|>user\n<image>go?<|im_end|>\n'), imageGrid(image.width, image.height, c.vision!));
  const text = tok.encode('<|im_start|>user\nadd 2 2<|im_end|>\n');
  const promptIds = [img, img, img, [7], text, text];
  const responseIds = [randomTokens('r0', 5, 200), randomTokens('r1', 9, 200), [], randomTokens('r3', 3, 200), randomTokens('r4', 6, 200), randomTokens('r5', 1, 200)];
  const images = [image, null, null, null, null, null];
  images[1] = images[0];
  images[2] = images[0];
  return { promptIds, responseIds, images };
}

/** Whole rows' log-probs and values, cut to each response (position p predicts token p + 1). */
function flatScores(promptIds: number[][], responseIds: number[][], lp: Float64Array, values: Float64Array, T: number) {
  return responseIds.map((r, b) => {
    const at = promptIds[b].length - 1;
    return { lp: r.map((_, j) => lp[b * (T - 1) + at + j]), v: r.map((_, j) => values[b * T + at + j]) };
  });
}

async function compare(c: ModelConfig): Promise<void> {
  const { promptIds, responseIds, images } = rows(c);
  const params = initParams(c, 3);
  const p64 = Object.fromEntries([...params].map(([n, t]) => [n, { dtype: 'float64', dims: t.shape, data: Float64Array.from(t.data) } as HostTensor]));
  const px = Float64Array.from(preprocessBatch(images, c.vision!));
  const patchDims = [c.vision!.maxPatches, 3 * c.vision!.patchSize ** 2];

  // Whole rows, with a loss of log-probs and values weighted per response token.
  const flat = buildLogprobGraph(c, { dtype: 'float64', values: true });
  const b = padBatch(promptIds.map((p, i) => [...p, ...responseIds[i]]), 'right');
  const T = b.seq;
  const wLp = new Float64Array(promptIds.length * (T - 1));
  const wV = new Float64Array(promptIds.length * T);
  responseIds.forEach((r, i) => r.forEach((_, j) => {
    wLp[i * (T - 1) + promptIds[i].length - 1 + j] = Math.sin(i + 3 * j);
    wV[i * T + promptIds[i].length - 1 + j] = Math.cos(i - j);
  }));
  const flatLoss = lossOver(flat.graph, flat.logprobs, flat.values!, [promptIds.length, T - 1], [promptIds.length, T]);
  const flatGrads = gradients(flatLoss, [...flat.params.values()]);
  [...flat.params.keys()].forEach((n, i) => flat.graph.output(flatGrads[i], `grad.${n}`));
  const fs = await createSession(flat.graph, { threads: 1 });
  const fo = await fs.run({ input_ids: b.inputIds, attention_mask: b.attentionMask, pixel_values: { dtype: 'float64', dims: [6, ...patchDims], data: px }, w_lp: t64(wLp, [6, T - 1]), w_v: t64(wV, [6, T]), ...p64 });
  await fs.dispose();

  // Prompt groups: the same weights at the same tokens.
  const groups = groupByPrompt(promptIds, responseIds, { sameImage: (i, j) => images[i] === images[j], multiple: 4 });
  expect([groups.groups, groups.n]).toEqual([3, 3]);
  const G = groups.groups;
  const W = groups.inputIds.dims[2] - 1;
  const gLp = new Float64Array(G * groups.n * W);
  const gV = new Float64Array(G * groups.n * W);
  responseIds.forEach((r, i) => r.forEach((_, j) => {
    gLp[groups.rowOf[i] * W + j] = Math.sin(i + 3 * j);
    gV[groups.rowOf[i] * W + j] = Math.cos(i - j);
  }));
  const grouped = buildGroupedLogprobGraph(c, { dtype: 'float64', values: true });
  const groupedLoss = lossOver(grouped.graph, grouped.logprobs, grouped.actionValues!, ['rows', 'w'], ['rows', 'w']);
  const groupedGrads = gradients(groupedLoss, [...grouped.params.values()]);
  [...grouped.params.keys()].forEach((n, i) => grouped.graph.output(groupedGrads[i], `grad.${n}`));
  const gs = await createSession(grouped.graph, { threads: 1 });
  const gpx = Float64Array.from(preprocessBatch(groups.firstRow.map((i) => images[i]), c.vision!));
  const go = await gs.run({
    prefix_ids: groups.prefixIds, prefix_mask: groups.prefixMask, input_ids: groups.inputIds, attention_mask: groups.attentionMask,
    pixel_values: { dtype: 'float64', dims: [G, ...patchDims], data: gpx }, w_lp: t64(gLp, [G * groups.n, W]), w_v: t64(gV, [G * groups.n, W]), ...p64,
  });
  await gs.dispose();

  const want = flatScores(promptIds, responseIds, fo.logprobs.data as Float64Array, fo.values.data as Float64Array, T);
  responseIds.forEach((r, i) => {
    const at = groups.rowOf[i] * W;
    const lp = Array.from((go.logprobs.data as Float64Array).subarray(at, at + r.length));
    const v = Array.from((go.values.data as Float64Array).subarray(at, at + r.length));
    lp.forEach((x, j) => expect(x).toBeCloseTo(want[i].lp[j], 10));
    v.forEach((x, j) => expect(x).toBeCloseTo(want[i].v[j], 10));
  });
  expect(Number(go.loss.data[0])).toBeCloseTo(Number(fo.loss.data[0]), 10);
  let compared = 0;
  for (const n of flat.params.keys()) {
    const a = fo[`grad.${n}`].data as Float64Array;
    const g = go[`grad.${n}`].data as Float64Array;
    const scale = Math.max(1e-12, ...Array.from(a, Math.abs));
    a.forEach((x, k) => expect(Math.abs(x - g[k]) / scale, `grad.${n}[${k}]`).toBeLessThan(1e-9));
    compared += a.length;
  }
  expect(compared).toBeGreaterThan(1000);
}

const t64 = (data: Float64Array, dims: number[]): HostTensor => ({ dtype: 'float64', dims, data });

function lossOver(g: import('../../../agent/engine/index.js').Graph, lp: import('../../../agent/engine/index.js').Value, v: import('../../../agent/engine/index.js').Value, lpDims: (string | number)[], vDims: (string | number)[]) {
  const wl = g.input('w_lp', 'float64', lpDims);
  const wv = g.input('w_v', 'float64', vDims);
  const loss = Add(ReduceSum(Mul(lp, wl), undefined, { keepdims: 0 }), ReduceSum(Mul(v, wv), undefined, { keepdims: 0 }));
  g.output(loss, 'loss');
  return loss;
}

describe('prompt groups', () => {
  it('lays rows out by prompt: prefixes left-padded, continuations led by the last prompt token', () => {
    const p = [1, 2, 3, 4, 5, 6, 7, 8];
    const g = groupByPrompt([p, p, [9]], [[4, 5], [6], [7, 8, 9]], { multiple: 2 });
    expect([g.groups, g.n, g.rowOf, g.firstRow]).toEqual([2, 2, [0, 1, 2], [0, 2]]);
    expect(g.prefixIds.dims).toEqual([2, 8]);
    expect(Array.from(g.prefixMask.data, Number)).toEqual([0, 1, 1, 1, 1, 1, 1, 1, ...new Array(8).fill(0)]);
    expect(Array.from(g.prefixIds.data, Number).slice(1, 8)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(g.inputIds.dims).toEqual([2, 2, 5]);
    const ids = Array.from(g.inputIds.data, Number);
    expect(ids.slice(0, 3)).toEqual([8, 4, 5]);
    expect(ids.slice(5, 7)).toEqual([8, 6]);
    expect(ids.slice(10, 14)).toEqual([9, 7, 8, 9]);
    expect(Array.from(g.attentionMask.data, Number).slice(15, 20)).toEqual([1, 0, 0, 0, 0]); // a padding row
    expect(() => groupByPrompt([[]], [[1]])).toThrow(/prompt 0 is empty/);
    // One group of four among singles would be mostly padding rows: every row its own group instead.
    const uneven = groupByPrompt([[1, 2], [1, 2], [1, 2], [1, 2], [3], [4], [5]], [[6], [7], [8], [9], [6, 7, 8], [7], [8]]);
    expect([uneven.groups, uneven.n, uneven.rowOf]).toEqual([7, 1, [0, 1, 2, 3, 4, 5, 6]]);
  });

  for (const variant of [{}, { positions: 'rope' as const, mlp: 'swiglu' as const }]) {
    it(`gives the whole rows' log-probs, values and gradients (float64) ${JSON.stringify(variant)}`, () => compare(microConfig(variant)));
  }

  it('responseLogprobs (grouped) matches whole rows in float32, images included', async () => {
    const model = createModel('tiny', { seed: 5, threads: 1, config: microConfig() });
    const { promptIds, responseIds, images } = rows(model.config);
    const pixelValues = preprocessBatch(images, model.config.vision!);
    const got = await responseLogprobs(model, { promptIds, responseIds, pixelValues, values: true });
    const whole = await model.logprobs({ inputIds: promptIds.map((p, i) => [...p, ...responseIds[i]]), pixelValues, values: true });
    const T = whole.values!.dims[1];
    const want = flatScores(promptIds, responseIds, Float64Array.from(whole.logprobs.data), Float64Array.from(whole.values!.data), T);
    responseIds.forEach((_, i) => {
      got.logprobs[i].forEach((x, j) => expect(x).toBeCloseTo(want[i].lp[j], 4));
      got.values![i].forEach((x, j) => expect(x).toBeCloseTo(want[i].v[j], 4));
      expect(got.logprobs[i]).toHaveLength(responseIds[i].length);
    });
    await model.dispose();
  });
});
