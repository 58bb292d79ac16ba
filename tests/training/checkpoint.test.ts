// The trained agent committed under assets/checkpoints/tiny (a full default `train:agent` run) loads
// and beats the random agent on held-out Sokoban levels (disjoint from its training by content).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../agent/model/index.js';
import { makeRng } from '../../envs/core/rng.js';
import { evaluate, evalItems } from '../../training/eval/evaluate.js';

const DIR = 'assets/checkpoints/tiny';
const TASK = { task: 'sokoban-text-6x6-1', count: 60 };

describe('committed checkpoint', () => {
  it('exists and loads', () => {
    expect(existsSync(`${DIR}/manifest.json`)).toBe(true);
    const m = loadModel(DIR, { threads: 1 });
    expect(m.preset).toBe('tiny');
  });

  it('beats the random agent on held-out 6x6 text Sokoban', async () => {
    const model = loadModel(DIR, { threads: 2 });
    const [r] = await evaluate(model, [TASK], { samples: 0 });
    // The random agent: a well-formed answer of 1-20 uniformly random moves, 8 tries per level.
    const rng = makeRng('random-agent');
    const moves = ['Up', 'Down', 'Left', 'Right'];
    const items = evalItems(TASK);
    let solved = 0;
    for (const it of items) {
      const plan = Array.from({ length: 1 + rng.int(20) }, () => rng.pick(moves)).join(', ');
      if (it.reward(`<think>random</think><answer>${plan}</answer>`).success) solved++;
    }
    const random = solved / items.length;
    expect(r.success.mean).toBeGreaterThan(random);
    expect(r.success.low).toBeGreaterThan(random); // outside the checkpoint's own 95% CI
    await model.dispose();
  }, 30_000);
});
