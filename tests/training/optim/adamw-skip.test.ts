// Parameters without a gradient get no update at all (PyTorch skips params whose .grad is None):
// AdamW over null gradients, per-parameter step counts for bias correction, and GraphTrainer on a
// text-only SFT step leaving the vision tower (and anything else outside the graph) untouched.
import { describe, expect, it } from 'vitest';
import { createModel, padBatch } from '../../../agent/model/index.js';
import { createSession, type HostTensor } from '../../../agent/engine/index.js';
import { AdamW } from '../../../training/optim/index.js';
import { SftTrainer } from '../../../training/stages/sft-trainer.js';
import { buildSftTrainGraph } from '../../../training/trainer/train-graphs.js';
import { microConfig, randomImage, randomTokens } from '../../agent/model/helpers.js';

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('AdamW with null gradients', () => {
  it('skips a parameter with no gradient: no decay, no moments, no step', () => {
    const a = { name: 'a.weight', data: Float32Array.of(1, -2) };
    const b = { name: 'b.weight', data: Float32Array.of(3, 4) };
    const opt = new AdamW([a, b], { weightDecay: 0.5 });
    opt.update([Float32Array.of(0.1, 0.2), null], 0.1);
    expect(Array.from(b.data)).toEqual([3, 4]); // a zero gradient would have decayed it by 1 - 0.1*0.5
    expect(Array.from(opt.state().m['b.weight'])).toEqual([0, 0]);
    expect(Array.from(opt.state().v['b.weight'])).toEqual([0, 0]);
    expect([opt.step, opt.paramStep(0), opt.paramStep(1)]).toEqual([1, 1, 0]);
    expect(opt.state().steps).toEqual({ 'a.weight': 1, 'b.weight': 0 });
  });

  it('a parameter first updated at global step 3 is bias-corrected as at its own step 1', () => {
    const a = { name: 'text.w', data: Float32Array.of(1, -2) };
    const b = { name: 'vision.w', data: Float32Array.of(3, 4) };
    const opt = new AdamW([a, b], { weightDecay: 0.1 });
    opt.update([Float32Array.of(0.1, 0.2), null], 0.01);
    opt.update([Float32Array.of(-0.3, 0.2), null], 0.01);
    const g = Float32Array.of(0.5, -0.25);
    opt.update([Float32Array.of(0.2, 0.1), g], 0.01, 0.5);
    // The same gradient into a fresh AdamW: bit-identical.
    const fresh = { name: 'vision.w', data: Float32Array.of(3, 4) };
    new AdamW([fresh], { weightDecay: 0.1 }).update([g], 0.01, 0.5);
    expect(bits(b.data).equals(bits(fresh.data))).toBe(true);
    // By hand, its step 1: m^ = g', v^ = g'^2 (g' = 0.5 g), so the Adam step is lr * sign(g) = 0.01,
    // after decay 1 - 0.01*0.1 = 0.999: [3*0.999 - 0.01, 4*0.999 + 0.01] = [2.987, 4.006].
    // Bias-corrected at the global step 3 instead: m^ = 0.1 g'/(1 - 0.9^3) = 0.369 g',
    // sqrt(v^) = sqrt(0.001/(1 - 0.999^3)) |g'| = 0.5777 |g'|, a step of 0.639 lr = 0.00639: 2.9906.
    expect(b.data[0]).toBeCloseTo(2.987, 6);
    expect(b.data[1]).toBeCloseTo(4.006, 6);
    expect([opt.step, opt.paramStep(0), opt.paramStep(1)]).toEqual([3, 3, 1]);
  });

  it('state round-trips per-parameter steps; older states without them mean every parameter at the global step', () => {
    const mk = () => new AdamW([{ name: 'a', data: Float32Array.of(1) }, { name: 'b', data: Float32Array.of(2) }]);
    const opt = mk();
    opt.update([Float32Array.of(0.1), null], 0.01);
    opt.update([Float32Array.of(0.1), Float32Array.of(0.2)], 0.01);
    const back = mk();
    back.load(opt.state());
    expect([back.step, back.paramStep(0), back.paramStep(1)]).toEqual([2, 2, 1]);
    const { steps: _dropped, ...old } = opt.state();
    const legacy = mk();
    legacy.load(old);
    expect([legacy.step, legacy.paramStep(0), legacy.paramStep(1)]).toEqual([2, 2, 2]);
    expect(() => mk().load({ ...opt.state(), steps: { a: 3, b: 1 } })).toThrow(/step of 'a' is 3, not a count up to 2/);
    expect(() => mk().update([Float32Array.of(1, 2), null], 0.01)).toThrow(/gradient of 'a' has 2 elements/);
  });
});

describe('GraphTrainer: parameters outside the training graph', () => {
  it('a text-only SFT step leaves the vision tower bit-identical with zero moments; a later vision step is its first', async () => {
    const config = microConfig({ maxSeqLen: 96 });
    const model = createModel('tiny', { seed: 11, threads: 1, config });
    const trainer = new SftTrainer(model, { schedule: { lr: 1e-3 } });
    const textGraphParams = new Set(buildSftTrainGraph(config, { vision: false }).params);
    const outside = [...model.params.keys()].filter((n) => !textGraphParams.has(n));
    expect(outside.some((n) => n.startsWith('vision.'))).toBe(true);
    const snapshot = () => new Map([...model.params].map(([n, t]) => [n, Float32Array.from(t.data)]));

    // Step 1: text only.
    const text = [randomTokens('t1', 20), randomTokens('t2', 14)];
    const before = snapshot();
    const r1 = await trainer.step({ inputIds: text, lossMask: text.map((r) => r.map(() => 1)) });
    expect(r1.skipped).toBe(false);
    const st1 = trainer.optimizer.stateTensors();
    for (const n of outside) {
      expect(bits(model.params.get(n)!.data).equals(bits(before.get(n)!)), n).toBe(true);
      expect(st1.get(`adamw.m.${n}`)!.data.every((x) => x === 0), n).toBe(true);
      expect(st1.get(`adamw.v.${n}`)!.data.every((x) => x === 0), n).toBe(true);
      expect(st1.get(`adamw.step.${n}`)!.data[0], n).toBe(0);
    }
    expect(bits(model.params.get('embed.weight')!.data).equals(bits(before.get('embed.weight')!))).toBe(false);
    expect(st1.get('adamw.step.embed.weight')!.data[0]).toBe(1);

    // Step 2: with an image. Its gradient, from the same graph run separately first, into a fresh
    // AdamW must give exactly the trainer's update of the vision tower (its own step 1).
    const prep = model.prepare([[{ role: 'user', content: [{ type: 'image', image: randomImage('v', 9, 7) }, { type: 'text', text: 'go' }] }]]);
    const ids = prep.inputIds.map((r) => [...r, ...randomTokens('resp', 8)]);
    const mask = ids.map((r, i) => r.map((_, t) => (t >= prep.inputIds[i].length ? 1 : 0)));
    const tg = buildSftTrainGraph(config, { vision: true });
    const b = padBatch(ids, 'right');
    const session = await createSession(tg.graph, { threads: 1 });
    const feeds: Record<string, HostTensor> = {
      input_ids: b.inputIds,
      attention_mask: b.attentionMask,
      loss_mask: { dtype: 'float32', dims: [b.batch, b.seq], data: Float32Array.from(mask.flat()) },
      ...model.pixelFeed(b.batch, prep.pixelValues),
      ...model.paramFeeds(),
    };
    const out = await session.run(feeds);
    await session.dispose();
    const norm = Math.sqrt(Number(out.grad_norm_sq.data[0]));
    const scale = norm > 1 ? 1 / (norm + 1e-6) : 1; // the trainer's default clip 1
    const visionName = 'vision.patch.weight';
    const expected = { name: visionName, data: Float32Array.from(model.params.get(visionName)!.data) };
    new AdamW([expected], { beta1: 0.9, beta2: 0.95, weightDecay: 0.01 }).update([out[`grad.${visionName}`].data as Float32Array], 1e-3, scale);

    const r2 = await trainer.step({ inputIds: ids, lossMask: mask, pixelValues: prep.pixelValues });
    expect(r2.gradNorm).toBe(norm);
    expect(bits(model.params.get(visionName)!.data).equals(bits(expected.data))).toBe(true);
    const st2 = trainer.optimizer.stateTensors();
    expect(st2.get(`adamw.step.${visionName}`)!.data[0]).toBe(1);
    expect(st2.get('adamw.step.embed.weight')!.data[0]).toBe(2);
    expect(st2.get('trainer.step')!.data[0]).toBe(2);

    // Save/load keeps the per-parameter steps; a state without them (saved before they existed)
    // loads with every parameter at trainer.step; a partial set is refused.
    const t2 = new SftTrainer(model, { schedule: { lr: 1e-3 } });
    t2.optimizer.loadState(st2);
    expect(t2.optimizer.stateTensors().get(`adamw.step.${visionName}`)!.data[0]).toBe(1);
    const legacy = new Map([...st2].filter(([n]) => !n.startsWith('adamw.step.')));
    t2.optimizer.loadState(legacy);
    expect(t2.optimizer.stateTensors().get(`adamw.step.${visionName}`)!.data[0]).toBe(2);
    const partial = new Map([...st2].filter(([n]) => n !== `adamw.step.${visionName}`));
    expect(() => t2.optimizer.loadState(partial)).toThrow(/per-parameter steps for \d+ of \d+ parameters/);
    await model.dispose();
  });
});
