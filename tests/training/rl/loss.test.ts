// The RL loss graph and its feeds: the first pass over fresh samples has a ratio of exactly 1, later
// passes compare with that first pass's log-probs, and only the model's own response tokens are
// trained (advantages at padding positions change nothing).
import { describe, expect, it } from 'vitest';
import type { HostTensor } from '../../../agent/engine/index.js';
import { gradName } from '../../../training/autodiff/index.js';
import { batchFeeds, buildRlTrainGraph, type LossConfig } from '../../../training/rl/loss.js';
import type { Sample } from '../../../training/tasks/index.js';
import { policyUpdate, rlState } from '../../../training/rl/loop.js';
import { microModel, microRl, repeatItem } from './micro.js';

const DEFAULT_LOSS: LossConfig = { clip: 0.2, klLoss: 0, valueCoef: 0, valueClip: 0.2 };

function samples(model: ReturnType<typeof microModel>): Sample[] {
  return [3, 8, 1].map((d, i) => {
    const item = repeatItem(d);
    const promptIds = model.prepare([item.prompt]).inputIds[0];
    const response = model.tokenizer.encode(i === 1 ? `<think>${d}</think><answer>${d}</answer>` : `<answer>${d}`);
    return { group: 0, item, promptIds, pixels: null, response, text: '', logprobs: response.map(() => -1), truncated: false };
  });
}

describe('RL loss', () => {
  it('the first pass has a ratio of exactly 1 and no clipping; the second pass compares with it', async () => {
    const model = microModel(2);
    const s = samples(model);
    const state = await rlState(model, { ...microRl(1), epochs: 2, seqMultiple: 8, klReward: 0, lr: 0.05, loss: DEFAULT_LOSS }, new Set(), () => Promise.reject(new Error('no reference without KL')));
    const adv = { advantages: s.map((x, i) => x.response.map(() => (i === 1 ? 1 : -1))) };
    const r = await policyUpdate(state, s, adv, {});
    expect(r.firstRatio).toBe(1);
    // Averaged over both passes: the second pass's ratio moved (the weights changed in between).
    expect(r.ratioMean).not.toBe(1);
    await model.dispose();
  });

  it('masks: only response positions are trained; padding advantages change no gradient', async () => {
    const model = microModel(3);
    const s = samples(model);
    const adv = s.map((x) => x.response.map((_, j) => 0.5 - j * 0.1));
    const f = batchFeeds(model, s, adv, 16);
    const mask = f.feeds.action_mask.data as Float32Array;
    const W = (f.feeds.action_mask.dims as number[])[1];
    // Mask = 1 exactly on the response tokens of each sample's row (a column per response token).
    const [B] = f.feeds.action_mask.dims as number[];
    for (let row = 0; row < B; row++) {
      const b = f.rowOf.indexOf(row);
      for (let p = 0; p < W; p++) expect(mask[row * W + p]).toBe(b >= 0 && p < s[b].response.length ? 1 : 0);
    }
    const tg = buildRlTrainGraph(model.config, DEFAULT_LOSS, false);
    const grads = async (feeds: Record<string, HostTensor>) => {
      const lease = model.lease('mask-test', () => tg.graph);
      const out = await model.run(lease, { ...feeds, ...model.paramFeeds() }, tg.params.map(gradName));
      return tg.params.map((n) => Buffer.from((out[gradName(n)].data as Float32Array).buffer));
    };
    const base = await grads(f.feeds);
    // Junk advantages wherever the mask is 0 (padding).
    const junk = Float32Array.from(f.feeds.advantages.data as Float32Array, (a, i) => (mask[i] === 0 ? 1000 * Math.sin(i) : a));
    const other = await grads({ ...f.feeds, advantages: { ...f.feeds.advantages, data: junk } });
    other.forEach((g, i) => expect(g.equals(base[i])).toBe(true));
    // ...while a change at one response position does change them.
    const moved = Float32Array.from(f.feeds.advantages.data as Float32Array);
    moved[mask.indexOf(1)] += 1;
    const changed = await grads({ ...f.feeds, advantages: { ...f.feeds.advantages, data: moved } });
    expect(changed.some((g, i) => !g.equals(base[i]))).toBe(true);
    await model.dispose();
  });

  it('the k3 KL loss: exp(d) - d - 1 with d = ref - logp, averaged over the response tokens only', async () => {
    const model = microModel(4);
    const s = samples(model);
    const adv = s.map((x) => x.response.map(() => 0));
    // Reference log-probs a little off the policy's, and junk at padding (the mask drops it).
    const ref = s.map((x) => x.response.map((_, j) => -1 - 0.3 * Math.sin(j + 1)));
    const loss: LossConfig = { ...DEFAULT_LOSS, klLoss: 0.5 };
    const f = batchFeeds(model, s, adv, 16, { ref });
    const tg = buildRlTrainGraph(model.config, loss, false);
    const out = await model.run(model.lease('k3-test', () => tg.graph), { ...f.feeds, ...model.paramFeeds() }, ['logprobs', 'kl_k3', 'loss']);
    const lp = out.logprobs.data as Float32Array;
    const W = out.logprobs.dims[1];
    // By hand, per response token: d = ref - logp, k3 = exp(d) - d - 1 (>= 0), the mean over tokens.
    const k3 = s.flatMap((x, b) => x.response.map((_, j) => {
      const d = ref[b][j] - lp[f.rowOf[b] * W + j];
      return Math.exp(d) - d - 1;
    }));
    const want = k3.reduce((a, x) => a + x, 0) / k3.length;
    expect(want).toBeGreaterThan(0);
    expect(Number(out.kl_k3.data[0])).toBeCloseTo(want, 5);
    // All advantages 0: the loss is the KL term alone, its coefficient times the mean k3.
    expect(Number(out.loss.data[0])).toBeCloseTo(0.5 * want, 5);
    await model.dispose();
  });
});
