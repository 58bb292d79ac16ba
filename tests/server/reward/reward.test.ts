/** POST /v1/reward with OpenRLHF-shaped requests: math and Sokoban batches, and a full 256 x 16. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sokobanPlan, sokobanResponse } from '../fixtures/sokoban-plans.js';
import { startServer, type TestServer } from '../helpers.js';

interface RewardResponse {
  rewards: number[];
  scores: number[];
  extra_logs: Record<string, number[]>;
}

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => s.close());

/** A ChatML query as OpenRLHF sends it: the templated prompt, then the sampled response. */
function chatml(prompt: string, response: string): string {
  return `<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\n${prompt}<|im_end|>\n<|im_start|>assistant\n${response}<|im_end|><|endoftext|>`;
}

describe('reward endpoint', () => {
  it('scores a math batch of 256: format + accuracy', async () => {
    const kinds = [
      { response: '<think>7 times 6</think><answer>42</answer>', reward: 1.5 },
      { response: '<think>hmm</think><answer>\\boxed{41}</answer>', reward: 0.5 },
      { response: 'The answer is 42.', reward: 0 },
      { response: '<think>a</think> and <answer>42</answer>', reward: 1 },
    ];
    const n = 256;
    const items = Array.from({ length: n }, (_, i) => kinds[i % kinds.length]);
    const query = items.map((k, i) => chatml(`What is 6 x 7? (#${i})`, k.response));
    const r = await s.call<RewardResponse>('POST', '/v1/reward', { query, prompts: query.map(() => 'What is 6 x 7?'), labels: items.map(() => '42') });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.rewards).toEqual(items.map((k) => k.reward));
    expect(r.body.scores).toEqual(items.map((k) => (k.reward >= 1 ? 1 : 0)));
    expect(r.body.extra_logs.format_reward).toHaveLength(n);
    expect(r.body.extra_logs.accuracy_reward.slice(0, 4)).toEqual([1, 0, 0, 1]);
  });

  it('scores what follows the templated prompt: a header the model writes itself does not hide junk', async () => {
    const prompt = chatml('What is 6 x 7?', '').replace(/<\|im_end\|><\|endoftext\|>$/, '');
    const query = [`${prompt}I will not think.<|im_start|>assistant\n<think>x</think><answer>42</answer><|im_end|>`];
    const r = await s.call<RewardResponse>('POST', '/v1/reward', { query, prompts: [prompt], labels: ['42'] });
    expect(r.body.extra_logs.format_reward).toEqual([0]);
    expect(r.body.rewards).toEqual([1]);
  });

  it('scores a Sokoban batch of 256 (16 levels x 16 samples) with the verifier reward', async () => {
    const envId = 'Sokoban-small-v0';
    const query: string[] = [];
    const labels: string[] = [];
    const expectSolved: boolean[] = [];
    for (let level = 0; level < 16; level++) {
      const plan = sokobanPlan(envId, level);
      for (let sample = 0; sample < 16; sample++) {
        const kind = sample % 4;
        const response =
          kind === 0 ? sokobanResponse(plan) : kind === 1 ? sokobanResponse(plan.slice(0, 1)) : kind === 2 ? `<answer>${plan.join(', ')}</answer>` : sokobanResponse(['up', 'jump']);
        query.push(chatml('Push the boxes onto the targets.', response));
        labels.push(JSON.stringify({ env_id: envId, seed: level, options: {} }));
        expectSolved.push(kind === 0);
      }
    }
    const r = await s.call<RewardResponse>('POST', '/v1/reward', { query, prompts: query, labels });
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
    expect(r.body.scores).toEqual(expectSolved.map((x) => (x ? 1 : 0)));
    r.body.rewards.forEach((reward, i) => {
      const kind = i % 4;
      if (kind === 0) expect(reward).toBeGreaterThan(10); // solved: env return > 10, + 0.5 format + bonuses
      if (kind === 1) expect(reward).toBeGreaterThanOrEqual(0.5);
      if (kind >= 2) expect(reward).toBe(0); // no think block, or a word that is no direction
    });
  });

  it('takes a whole rollout batch of 256 x 16 = 4096 samples in one request', async () => {
    const query: string[] = [];
    const labels: string[] = [];
    for (let i = 0; i < 4096; i++) {
      const math = i % 2 === 0;
      const long = 'Let me reason about this step by step. '.repeat(40);
      query.push(chatml('prompt '.repeat(60), math ? `<think>${long}</think><answer>${i}</answer>` : sokobanResponse(['up', 'left', 'down'])));
      labels.push(math ? String(i) : JSON.stringify({ env_id: 'Sokoban-small-v0', seed: i % 256 }));
    }
    const body = JSON.stringify({ query, prompts: query, labels });
    expect(body.length).toBeGreaterThan(1 << 20); // over the default body limit of other routes
    const t0 = performance.now();
    const r = await s.call<RewardResponse>('POST', '/v1/reward', body);
    const seconds = (performance.now() - t0) / 1000;
    expect(r.status).toBe(200);
    expect(r.body.rewards).toHaveLength(4096);
    expect(r.body.rewards.filter((_, i) => i % 2 === 0).every((x) => x === 1.5)).toBe(true);
    console.log(`reward endpoint: 4096 samples (${(body.length / 2 ** 20).toFixed(1)} MiB) in ${seconds.toFixed(2)} s`);
  });

  it('takes labels as OpenRLHF passes them from a dataset: numbers and level objects too', async () => {
    const plan = sokobanPlan('Sokoban-small-v0', 2);
    const query = [chatml('6 x 7?', '<think>x</think><answer>42</answer>'), chatml('Push.', sokobanResponse(plan))];
    const r = await s.call<RewardResponse>('POST', '/v1/reward', { query, labels: [42, { env_id: 'Sokoban-small-v0', seed: 2 }] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.rewards[0]).toBe(1.5);
    expect(r.body.scores).toEqual([1, 1]);
  });

  it('rejects malformed requests naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ query: ['a'] }, /missing the field "labels"/],
      [{ query: ['a', 'b'], labels: ['1'] }, /body\.labels has 1 items but body\.query has 2/],
      [{ query: [1], labels: ['1'] }, /body\.query\[0\] must be string/],
      [{ query: ['a'], labels: [null] }, /body\.labels\[0\] must be a gold answer/],
      [{ query: ['x'], labels: ['{"env_id": "Nope-v0", "seed": 1}'], strict: true }, /body\.labels\[0\]: unknown env id/],
      [{ query: ['x'], labels: ['{"env_id": "Sokoban-small-v0", "options": {"width": "wide"}}'], strict: true }, /body\.labels\[0\].*width/],
      [{ query: ['x'], labels: ['{"a": 1}'], strict: true }, /body\.labels\[0\]: a JSON label must name a game level .* or a puzzle item/],
      [{ query: ['x'], labels: [{ family: 'chess', seed: 0, difficulty: 1, index: 0 }], strict: true }, /body\.labels\[0\]: unknown puzzle family "chess"/],
      [{ query: ['x'], labels: ['$\\boxed{}$'], strict: true }, /body\.labels\[0\]: the gold answer holds nothing/],
    ];
    for (const [body, message] of cases) {
      const r = await s.call<{ message: string }>('POST', '/v1/reward', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.message).toMatch(message);
    }
  });

  it('reports a label that cannot be graded per sample instead of failing the batch', async () => {
    const ok = '<think>x</think><answer>42</answer>';
    // (An empty label is a 400 still: every label is empty when the dataset's label column is unset.)
    const labels = ['42', '{"env_id": "Nope-v0", "seed": 1}', '{"a": 1}', '$\\boxed{}$', '42'];
    const r = await s.call<RewardResponse & { errors: { index: number; message: string }[] }>('POST', '/v1/reward', { query: labels.map(() => chatml('q', ok)), labels });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.rewards).toEqual([1.5, 0, 0, 0, 1.5]);
    expect(r.body.extra_logs.label_error).toEqual([0, 1, 1, 1, 0]);
    expect(r.body.errors.map((e) => e.index)).toEqual([1, 2, 3]);
    expect(r.body.errors[0].message).toMatch(/body\.labels\[1\]: unknown env id/);
    expect(r.body.errors[2].message).toMatch(/body\.labels\[3\]: the gold answer holds nothing/);
  });

  it('grades LMM-R1 labels ($\\boxed{...}$) and puzzle items with their family verifiers', async () => {
    const { makePuzzle, toLmmR1Jsonl, fromLmmR1Jsonl } = await import('../../../envs/puzzles/index.js');
    const countdown = makePuzzle('countdown', 3, 0, 5);
    const knights = makePuzzle('knights', 3, 0, 2);
    const sequence = makePuzzle('sequence', 2, 0, 1);
    const sokoban = makePuzzle('sokoban', 1, 0, 0);
    const target = String(countdown.meta.target);
    const ref = (family: string, seed: number, difficulty: number, index: number) => ({ family, seed, difficulty, index });
    const reordered = knights.answer.split(', ').reverse().join(', ');
    const cases: { label: unknown; answer: string; reward: number }[] = [
      { label: ref('countdown', 0, 3, 5), answer: target, reward: 0.5 }, // the target alone is no expression of the numbers
      { label: ref('countdown', 0, 3, 5), answer: `${countdown.answer} = ${target}`, reward: 1.5 },
      { label: { puzzle_id: countdown.id }, answer: countdown.answer, reward: 1.5 },
      { label: ref('knights', 0, 3, 2), answer: reordered, reward: 1.5 },
      { label: ref('sequence', 0, 2, 1), answer: sequence.answer, reward: 1.5 },
      { label: ref('sequence', 0, 2, 1), answer: `${Number(sequence.answer) + 1}`, reward: 0.5 },
      // The same countdown gold as LMM-R1 JSONL carries it, graded as a plain gold: text only.
      { label: fromLmmR1Jsonl(toLmmR1Jsonl([countdown]))[0].answer, answer: countdown.answer, reward: 1.5 },
    ];
    const query = cases.map((c) => chatml('q', `<think>x</think><answer>${c.answer}</answer>`));
    const plan = sokoban.answer;
    query.push(chatml('q', `<think>x</think><answer>${plan}</answer>`));
    const labels = [...cases.map((c) => c.label), JSON.stringify(ref('sokoban', 0, 1, 0))];
    const r = await s.call<RewardResponse>('POST', '/v1/reward', { query, labels, strict: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.rewards.slice(0, cases.length)).toEqual(cases.map((c) => c.reward));
    expect(r.body.scores.at(-1)).toBe(1); // the solver's plan solves the text Sokoban item
    expect(r.body.rewards.at(-1)).toBeGreaterThan(10); // env return > 10, + format + bonuses, as in training
  });
});
