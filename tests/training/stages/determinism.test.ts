// Same seed and thread count: bit-identical training steps (losses, gradient norms, parameters).
import { describe, expect, it } from 'vitest';
import { createModel } from '../../../agent/model/index.js';
import { SftTrainer } from '../../../training/stages/sft-trainer.js';
import { randomImage, randomTokens } from '../../agent/model/helpers.js';

async function run(threads: number) {
  const model = createModel('tiny', { seed: 21, threads });
  const prep = model.prepare([[{ role: 'user', content: [{ type: 'image', image: randomImage('d', 30, 30) }, { type: 'text', text: 'go' }] }], 'text only row']);
  const inputIds = prep.inputIds.map((r, i) => [...r, ...randomTokens(`resp${i}`, 12)]);
  const lossMask = inputIds.map((r, i) => r.map((_, t) => (t >= prep.inputIds[i].length ? 1 : 0)));
  const trainer = new SftTrainer(model, { schedule: { lr: 1e-3 } });
  const log: number[] = [];
  for (let s = 0; s < 3; s++) {
    const r = await trainer.step({ inputIds, lossMask, pixelValues: prep.pixelValues });
    log.push(r.loss, r.gradNorm);
  }
  const bytes = Buffer.concat([...model.params.values()].map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)));
  await model.dispose();
  return { log, bytes };
}

describe('determinism', () => {
  it('two runs with the same seed and 2 threads are bit-identical', async () => {
    const a = await run(2);
    const b = await run(2);
    expect(b.log).toEqual(a.log);
    expect(b.bytes.equals(a.bytes)).toBe(true);
  });
});

describe('training graph extras', () => {
  it('grad_norm_sq from the graph equals the squared global norm of the gradients', async () => {
    const { buildSftTrainGraph } = await import('../../../training/trainer/train-graphs.js');
    const { createSession } = await import('../../../agent/engine/index.js');
    const { padBatch } = await import('../../../agent/model/index.js');
    const model = createModel('tiny', { seed: 3, threads: 1 });
    const tg = buildSftTrainGraph(model.config, { vision: false });
    const s = await createSession(tg.graph, { threads: 1 });
    const b = padBatch([randomTokens('n1', 20), randomTokens('n2', 13)], 'right');
    const out = await s.run({
      input_ids: b.inputIds,
      attention_mask: b.attentionMask,
      loss_mask: { dtype: 'float32', dims: [2, b.seq], data: Float32Array.from(b.attentionMask.data, Number) },
      ...model.paramFeeds(),
    });
    let sq = 0;
    for (const n of tg.params) for (const g of out[`grad.${n}`].data as Float32Array) sq += g * g;
    expect(Math.abs(Number(out.grad_norm_sq.data[0]) - sq) / sq).toBeLessThan(1e-5); // float32 sums in another order
    await s.dispose();
    await model.dispose();
  });
});

describe('SFT batches', () => {
  it('a loss mask that does not match its rows is refused before it can spill into another row', async () => {
    const model = createModel('tiny', { seed: 3, threads: 1 });
    const trainer = new SftTrainer(model);
    const inputIds = [randomTokens('m1', 6), randomTokens('m2', 9)];
    const before = Float32Array.from(model.params.get('embed.weight')!.data);
    await expect(trainer.step({ inputIds, lossMask: [[0, 0, 0, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1]] })).rejects.toThrow(/lossMask row 0 has 9 entries for 6 tokens/);
    await expect(trainer.step({ inputIds, lossMask: [[1, 1, 1, 1, 1, 1]] })).rejects.toThrow(/lossMask has 1 rows for 2 inputIds rows/);
    expect(model.params.get('embed.weight')!.data).toEqual(before);
    expect(model.step).toBe(0);
    expect(() => trainer.optimizer.loadState(new Map([['trainer.step', { shape: [1], data: Float32Array.of(1.5) }]]))).toThrow(/not a step count/);
    expect(() => trainer.optimizer.loadState(new Map([['trainer.step', { shape: [1], data: Float32Array.of(2) }]]))).toThrow(/missing or mis-sized moments/);
    await model.dispose();
  });
});

describe('resume', () => {
  it('save after 2 steps, load, 1 more step == 3 steps straight (bit-identical)', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadCheckpoint, loadModel, saveModel } = await import('../../../agent/model/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'resume-'));
    const inputIds = [randomTokens('r1', 24), randomTokens('r2', 17)];
    const data = { inputIds, lossMask: inputIds.map((r) => r.map(() => 1)) };
    const straight = createModel('tiny', { seed: 5, threads: 2 });
    const t1 = new SftTrainer(straight, { schedule: { lr: 1e-3, warmup: 2 } });
    for (let i = 0; i < 3; i++) await t1.step(data);

    const first = createModel('tiny', { seed: 5, threads: 2 });
    const t2 = new SftTrainer(first, { schedule: { lr: 1e-3, warmup: 2 } });
    for (let i = 0; i < 2; i++) await t2.step(data);
    saveModel(first, dir, { state: t2.optimizer.stateTensors() });
    const resumed = loadModel(dir, { threads: 2 });
    const t3 = new SftTrainer(resumed, { schedule: { lr: 1e-3, warmup: 2 } });
    t3.optimizer.loadState(loadCheckpoint(dir).state!);
    await t3.step(data);
    expect(resumed.step).toBe(3);
    for (const [name, t] of straight.params) {
      expect(Buffer.from(resumed.params.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
    }
    await Promise.all([straight.dispose(), first.dispose(), resumed.dispose()]);
    rmSync(dir, { recursive: true, force: true });
  });
});
