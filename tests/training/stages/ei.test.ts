// The expert iteration stage end to end at a toy size (2 prompts x 2 samples, 1 step a round, a
// 32-wide one-layer model): a round logs its line, two runs give the same weights, and a run stopped
// at a round boundary and resumed ends with the weights of a run never stopped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createModel, loadCheckpoint, loadModel, type TinyLMM } from '../../../agent/model/index.js';
import { checkConfig, defaultConfig, mergeConfig } from '../../../training/config.js';
import { RESUME_STAGE_CODES, Run } from '../../../training/run.js';
import { runEi, type EiStageConfig } from '../../../training/stages/ei.js';
import { trainAgent } from '../../../training/train.js';
import { paramBytes, tempDirs } from '../rl/micro.js';

const tmp = tempDirs('ei-');

const toy = (seed = 0): TinyLMM => createModel('tiny', { seed, threads: 1, config: { dModel: 32, nLayers: 1, nHeads: 2, dMlp: 64, maxSeqLen: 512, vision: null } });

const cfg: EiStageConfig = {
  rounds: 2,
  promptsPerRound: 2,
  samplesPerPrompt: 2,
  stepsPerRound: 1,
  batchSize: 3,
  lr: 1e-3,
  tasks: ['sokoban-text-7x7-2', 'sokoban-text-7x7-2-last1'],
  replayMix: { 'countdown-d1': 1 },
  replayShare: 0.34, // one row of three
  seed: 4,
  maxNewTokens: 12,
};

/** A run that is interrupted (as by Ctrl-C) once `lines` metrics lines are logged. */
class StopAfter extends Run {
  private logged = 0;
  constructor(dir: string, model: TinyLMM, private readonly lines: number) {
    super(dir, model, new Set(), true);
  }
  override log(record: Record<string, unknown>): void {
    super.log(record);
    if (++this.logged >= this.lines) this.interrupted = true;
  }
}

const metrics = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('expert iteration stage', () => {
  it('a round logs its line; two runs give identical weights; a stop at a round boundary resumes to the same weights', async () => {
    const t0 = performance.now();
    const a = toy();
    const dirA = tmp();
    expect(await runEi(new Run(dirA, a, new Set(), true), cfg)).toMatchObject({ stage: 'ei', step: 2 });
    const seconds = (performance.now() - t0) / 1000 / cfg.rounds;
    const lines = metrics(dirA);
    expect(lines.map((l) => [l.stage, l.step])).toEqual([['ei', 0], ['ei', 1]]);
    const first = lines[0];
    expect(first).toMatchObject({ prompts: 2, 'pass@1': 0, 'pass@2': 0, solved_moves: null, dagger_from_move: expect.any(Number), time_round_s: expect.any(Number) });
    // An untrained model's answers never solve: every prompt is relabelled from where its plan went wrong.
    expect((first.items_success as number) + (first.items_dagger as number) + (first.items_none as number)).toBe(2);
    expect(first.items_dagger).toBe(2);
    expect(Object.keys(first.by_task as object)).toEqual(cfg.tasks);
    expect(first.loss_first).toEqual(expect.any(Number));
    expect(loadCheckpoint(join(dirA, 'resume')).metrics).toMatchObject({ resume_stage: RESUME_STAGE_CODES.indexOf('ei'), resume_step: 2 });

    const b = toy();
    await runEi(new Run(tmp(), b, new Set(), true), cfg);
    expect(paramBytes(b).equals(paramBytes(a))).toBe(true);
    await b.dispose();

    const c = toy();
    const dirC = tmp();
    expect(await runEi(new StopAfter(dirC, c, 1), cfg)).toMatchObject({ stage: 'ei', step: 1 });
    expect(paramBytes(c).equals(paramBytes(a))).toBe(false); // it really stopped after a round
    await c.dispose();
    const d = loadModel(join(dirC, 'resume'), { threads: 1 });
    const ck = loadCheckpoint(join(dirC, 'resume'));
    expect(ck.metrics.resume_step).toBe(1);
    await runEi(new Run(dirC, d, new Set(), true), cfg, { step: 1, state: ck.state });
    expect(paramBytes(d).equals(paramBytes(a))).toBe(true);
    expect(metrics(dirC).map((l) => l.step)).toEqual([0, 1]);
    await Promise.all([a.dispose(), d.dispose()]);
    console.log(`ei: ${seconds.toFixed(2)} s a round at the test size`);
  }, 60_000);

  it('train:agent runs it as a stage, and --resume from its resume point continues it to the same weights', async () => {
    const config = (rounds: number) =>
      checkConfig(
        mergeConfig(defaultConfig(), {
          stages: ['ei'],
          init: null,
          threads: 1,
          ei: { ...cfg, rounds },
          eval: { tasks: [{ task: 'countdown-d1', count: 1 }], options: { samples: 0, maxNewTokens: 4 } },
        }),
      );
    const straight = tmp();
    await trainAgent(config(2), { out: straight, quiet: true });
    const resumed = tmp();
    await trainAgent(config(1), { out: resumed, quiet: true });
    // The run's own resume point after its one round: stage ei, read back by train.ts.
    await trainAgent(config(2), { out: resumed, resume: true, quiet: true });
    const weights = (dir: string) => readFileSync(join(dir, 'ei', 'model.safetensors'));
    expect(weights(resumed).equals(weights(straight))).toBe(true);
    expect(metrics(resumed).filter((l) => l.stage === 'ei').map((l) => l.step)).toEqual([0, 1]);
  }, 60_000);

  it('a resumed run drops the lines a killed process logged past its resume point, ei among the stages', () => {
    const dir = tmp();
    const run = new Run(dir, toy(), new Set(), true);
    const logged = [{ stage: 'sft', step: 9 }, { stage: 'ei', step: 0 }, { stage: 'ei', step: 1 }, { stage: 'ei', step: 2 }, { stage: 'fre', step: 0 }, { stage: 'before', kind: 'eval' }];
    for (const l of logged) run.log(l);
    run.rewindLogs({ stage: 'ei', step: 1 });
    expect(metrics(dir)).toEqual([{ stage: 'sft', step: 9 }, { stage: 'ei', step: 0 }, { stage: 'before', kind: 'eval' }]);
  });

  it('resume points keep their stage numbers: sft 0, fre 1, mgt 2 (committed resume points read right), ei after them', () => {
    expect(RESUME_STAGE_CODES).toEqual(['sft', 'fre', 'mgt', 'ei']);
  });
});
