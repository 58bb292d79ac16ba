// A closed-loop round of expert iteration end to end at a toy size (2 prompts, 1 step, a 32-wide
// one-layer model): it plays, relabels, trains, logs its line and two episodes, and two runs give
// the same weights. An untrained model names no move, so each episode is one idle turn (a loop).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createModel, type TinyLMM } from '../../../agent/model/index.js';
import { Run } from '../../../training/run.js';
import { runEi, type EiStageConfig } from '../../../training/stages/ei.js';
import { paramBytes, tempDirs } from '../rl/micro.js';

const tmp = tempDirs('ei-closed-');

const toy = (seed = 0): TinyLMM => createModel('tiny', { seed, threads: 1, config: { dModel: 32, nLayers: 1, nHeads: 2, dMlp: 64, maxSeqLen: 512, vision: null } });

const cfg: EiStageConfig = {
  rounds: 1,
  promptsPerRound: 2,
  samplesPerPrompt: 2, // unused in closed loop
  stepsPerRound: 1,
  batchSize: 3,
  lr: 1e-3,
  tasks: ['sokoban-text-7x7-2', 'sokoban-text-7x7-2-last1'],
  replayMix: { 'countdown-d1': 1 },
  replayShare: 0.34,
  seed: 4,
  maxNewTokens: 12,
  rollout: 'closed-loop',
  maxTurns: 3,
  itemsPerEpisode: 2,
  correctPerEpisode: 0,
};

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('expert iteration, closed loop', () => {
  it('a round plays, relabels and trains; its line has the closed-loop figures; two runs give identical weights', async () => {
    const a = toy();
    const dir = tmp();
    expect(await runEi(new Run(dir, a, new Set(), true), cfg)).toMatchObject({ stage: 'ei', step: 1 });
    const [line] = lines(join(dir, 'metrics.jsonl'));
    expect(line).toMatchObject({
      stage: 'ei',
      step: 0,
      rollout: 'closed-loop',
      prompts: 2,
      closed_loop_success: 0,
      first_move_accuracy: 0,
      closed_loop_turns: null,
      moves_played: 2,
      answers_unread: 1,
      ends: { solved: 0, deadlock: 0, loop: 2, turns: 0, unsolvable: 0 },
      items_dagger: 2,
      items_correct: 0,
      items_none: 0,
      dagger_from_move: 0,
      mistakes: { detour: 0, illegal: 2, deadlock: 0 },
      loss_first: expect.any(Number),
      time_sampling_s: expect.any(Number),
    });
    expect(Object.keys(line.by_task as object)).toEqual(cfg.tasks);
    expect(line).not.toHaveProperty('pass@1');
    const [samples] = lines(join(dir, 'samples', 'ei.jsonl'));
    expect(samples).toMatchObject({ step: 0, samples: [{ task: cfg.tasks[0], moves: [0], end: 'loop', trace: expect.stringMatching(/^<think>@ /) }, { task: cfg.tasks[1] }] });

    const b = toy();
    await runEi(new Run(tmp(), b, new Set(), true), cfg);
    expect(paramBytes(b).equals(paramBytes(a))).toBe(true);
    const c = toy();
    await runEi(new Run(tmp(), c, new Set(), true), { ...cfg, rollout: 'plan' });
    // The plan rollout's relabel of an answer with no moves is the same item (the start, the solver's
    // plan), and the items are shuffled and trained alike: the same weights.
    expect(paramBytes(c).equals(paramBytes(a))).toBe(true);
    await Promise.all([a.dispose(), b.dispose(), c.dispose()]);
  }, 60_000);
});
