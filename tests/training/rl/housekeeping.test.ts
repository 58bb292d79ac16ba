// The RL stage's three housekeeping options, each off by default: dropping groups whose rewards are
// all equal (DAPO's dynamic sampling), the moving difficulty filter (and its record across a
// resume), cosine decay of the learning rate. Untrained micro models (their answers are garbage,
// which is all these need) keep each case to a few seconds.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, loadModel, type TinyLMM } from '../../../agent/model/index.js';
import { rewardResult } from '../../../envs/rewards/index.js';
import { checkConfig, defaultConfig, mergeConfig } from '../../../training/config.js';
import { FILTER_SKIPS_PER_GROUP, rlState, rlStep, runRlStage, type RlStageConfig, type StepLog } from '../../../training/rl/loop.js';
import { Run } from '../../../training/run.js';
import type { ItemTask, Sample, Task } from '../../../training/tasks/index.js';
import { microModel, microRl, repeatTask, paramBytes, tempDirs } from './micro.js';

const tmp = tempDirs('rl-housekeeping-');
const bytes = paramBytes;

/** A small, fast stage: 4 prompts x 4 samples, short answers. */
const small = (steps: number, extra: Partial<RlStageConfig> = {}): RlStageConfig => ({
  ...microRl(steps),
  promptsPerStep: 4,
  samplesPerPrompt: 4,
  sampling: { temperature: 1, topP: 1, maxNewTokens: 8 },
  ...extra,
});

/** The repeat task with a reward chosen per sample. */
const rewardedBy = (reward: (sample: Sample) => number): ItemTask => ({
  ...repeatTask,
  reward: (sample) => {
    const r = reward(sample);
    return rewardResult({ format: 0, task: r, success: r > 0 });
  },
});

async function stage(model: TinyLMM, cfg: RlStageConfig, tasks: readonly Task[] = [repeatTask]): Promise<StepLog[]> {
  const logs: StepLog[] = [];
  await runRlStage(new Run(tmp(), model, new Set(), true), cfg, tasks, { step: 0 }, (l) => logs.push(l));
  return logs;
}

/** A log without what depends on the machine's speed. */
const timeless = (l: StepLog) => Object.fromEntries(Object.entries(l).filter(([k]) => !k.startsWith('time_') && !k.endsWith('_per_s')));

describe('dropUniformGroups', () => {
  it('a step whose groups all got equal rewards makes no update', async () => {
    const model = microModel(1);
    const before = bytes(model);
    const logs = await stage(model, small(1, { dropUniformGroups: true }), [rewardedBy(() => 0.5)]);
    expect(logs[0]).toMatchObject({ groups_dropped: 1, samples_fed: 0, lr: 0 });
    expect(bytes(model).equals(before)).toBe(true);
    await model.dispose();
  }, 20_000);

  it('a step with one mixed group feeds only that group', async () => {
    const model = microModel(1);
    const before = bytes(model);
    // Group 1's samples alternate between rewards 0 and 1; every other group gets 0.
    let k = 0;
    const logs = await stage(model, small(1, { dropUniformGroups: true }), [rewardedBy((x) => (x.group === 1 ? k++ % 2 : 0))]);
    expect(logs[0]).toMatchObject({ groups_dropped: 3 / 4, samples_fed: 4 });
    expect(logs[0].lr).toBeGreaterThan(0);
    expect(bytes(model).equals(before)).toBe(false);
    await model.dispose();
  }, 20_000);

  it('off, the same rewards update every group', async () => {
    const model = microModel(1);
    const logs = await stage(model, small(1), [rewardedBy(() => 0.5)]);
    expect(logs[0].groups_dropped).toBeUndefined();
    expect(logs[0].lr).toBeGreaterThan(0);
    await model.dispose();
  }, 20_000);
});

describe('difficultyFilter', () => {
  it('skips an item whose recorded pass rate is 1 and draws the next slot instead, a bounded number of times', async () => {
    const model = microModel(2);
    const cfg = small(1, { difficultyFilter: { low: 0, high: 1 }, klReward: 0 });
    const s = await rlState(model, cfg, new Set(), () => Promise.reject(new Error('no reference without KL')));
    // Step 0 draws slots 0, 1, 2, ...: its first item is recorded as always solved, another as in the band.
    const slot = (j: number) => repeatTask.item(cfg.seed, j).key;
    const solved = slot(0);
    s.passRates.set(solved, 1);
    s.passRates.set(slot(1) === solved ? slot(2) : slot(1), 0.5);
    const expected: string[] = [];
    let skips = 0;
    for (let j = 0; expected.length < 4; j++) {
      if (slot(j) === solved) skips++;
      else expected.push(slot(j));
    }
    const out = await rlStep(s, repeatTask, 0);
    const keys = out.rollout.samples.filter((_, i) => i % 4 === 0).map((x) => x.item.key);
    expect(keys).toEqual(expected);
    expect(keys).not.toContain(solved);
    expect(out.filterSkipped).toBe(skips);
    expect(skips).toBeGreaterThan(0);
    // The step's own groups are recorded (pass rates in [0, 1]) for the next steps to filter by.
    for (const k of keys) expect(s.passRates.get(k)).toBeGreaterThanOrEqual(0);

    // Every item recorded as solved: the filter gives up after its bound and the step still draws its groups.
    for (let d = 0; d < 10; d++) s.passRates.set(`repeat:${d}`, 1);
    const full = await rlStep(s, repeatTask, 1);
    expect(full.filterSkipped).toBe(FILTER_SKIPS_PER_GROUP * 4);
    expect(full.rollout.samples).toHaveLength(16);
    await model.dispose();
  }, 20_000);

  it('an episode task is not asked to filter', async () => {
    const model = microModel(2);
    const asked: boolean[] = [];
    const episodes: Task = {
      kind: 'episodes',
      name: 'fake-episodes',
      vision: true,
      play: () => Promise.reject(new Error('not played whole in this test')),
      rollout: (m, req) => {
        asked.push(req.skip !== undefined);
        return repeatTask.rollout(m, req);
      },
      reward: (sample) => sample.item.reward(sample.text),
    };
    const logs = await stage(model, small(1, { difficultyFilter: { low: 0, high: 1 }, klReward: 0 }), [episodes]);
    expect(asked).toEqual([false]);
    expect(logs[0].filter_skipped).toBe(0);
    await model.dispose();
  }, 20_000);

  it('a stage stopped after 2 steps and resumed ends as one of 4 steps, record and all', async () => {
    // An untrained model never solves: every item drawn is recorded at 0 and skipped from then on.
    const cfg = small(4, { difficultyFilter: { low: 0, high: 1 } });
    const a = microModel(3);
    const whole = await stage(a, cfg);
    expect(whole.slice(1).some((l) => (l.filter_skipped as number) > 0)).toBe(true);

    const b = microModel(3);
    const dir = tmp();
    const run = new Run(dir, b, new Set(), true);
    const first: StepLog[] = [];
    const stopped = await runRlStage(run, cfg, [repeatTask], { step: 0 }, (l) => {
      first.push(l);
      if (l.step === 1) run.interrupted = true;
    });
    expect(stopped.step).toBe(2);
    await b.dispose();
    const c = loadModel(join(dir, 'resume'), { threads: 1 });
    const rest: StepLog[] = [];
    await runRlStage(new Run(dir, c, new Set(), true), cfg, [repeatTask], { step: 2, state: loadCheckpoint(join(dir, 'resume')).state }, (l) => rest.push(l));
    expect([...first, ...rest].map(timeless)).toEqual(whole.map(timeless));
    expect(bytes(c).equals(bytes(a))).toBe(true);
    await Promise.all([a.dispose(), c.dispose()]);
  }, 30_000);
});

describe('lrDecay', () => {
  it('cosine decays the logged learning rate to 10% at the last step', async () => {
    const model = microModel(4);
    const cfg = small(5, { lrDecay: 'cosine', samplesPerPrompt: 2, promptsPerStep: 2 });
    const lrs = (await stage(model, cfg)).map((l) => l.lr as number);
    expect(lrs).toHaveLength(5);
    expect(lrs[0]).toBeCloseTo(cfg.lr, 12);
    for (let i = 1; i < lrs.length; i++) expect(lrs[i]).toBeLessThan(lrs[i - 1]);
    expect(lrs[4]).toBeCloseTo(0.1 * cfg.lr, 12);
    await model.dispose();
  }, 20_000);
});

describe('defaults', () => {
  it('a 2-step run with the options set to their defaults logs and trains as one without them', async () => {
    const a = microModel(5);
    const without = await stage(a, small(2));
    const b = microModel(5);
    const d = defaultConfig().fre;
    const explicit = await stage(b, { ...small(2), dropUniformGroups: d.dropUniformGroups, difficultyFilter: d.difficultyFilter, lrDecay: d.lrDecay });
    expect(explicit.map(timeless)).toEqual(without.map(timeless));
    expect(bytes(b).equals(bytes(a))).toBe(true);
    await Promise.all([a.dispose(), b.dispose()]);
  }, 20_000);

  it('the config reads and checks the options', () => {
    const d = defaultConfig();
    expect([d.fre.dropUniformGroups, d.fre.difficultyFilter, d.fre.lrDecay]).toEqual([false, null, 'constant']);
    const c = checkConfig(mergeConfig(defaultConfig(), { fre: { dropUniformGroups: true, difficultyFilter: { high: 0.9 }, lrDecay: 'cosine' }, mgt: { difficultyFilter: { low: 0.1, high: 1 } } }));
    expect(c.fre).toMatchObject({ dropUniformGroups: true, difficultyFilter: { low: 0, high: 0.9 }, lrDecay: 'cosine' });
    expect(c.mgt.difficultyFilter).toEqual({ low: 0.1, high: 1 });
    const bad = (patch: unknown) => () => checkConfig(mergeConfig(defaultConfig(), patch));
    expect(bad({ fre: { dropUniformGroups: 1 } })).toThrow(/fre\.dropUniformGroups: expected boolean/);
    expect(bad({ fre: { dropUniformGroups: true, estimator: 'ppo' } })).toThrow(/fre\.dropUniformGroups needs a group-relative estimator/);
    expect(bad({ fre: { difficultyFilter: { low: 0.5, high: 0.5 } } })).toThrow(/fre\.difficultyFilter must be null or/);
    expect(bad({ mgt: { difficultyFilter: { mid: 0.5 } } })).toThrow(/mgt\.difficultyFilter\.mid: unknown key/);
    expect(bad({ mgt: { difficultyFilter: 'on' } })).toThrow(/mgt\.difficultyFilter: expected null or an object/);
    expect(bad({ fre: { lrDecay: 'linear' } })).toThrow(/fre\.lrDecay must be constant or cosine/);
    expect(checkConfig(mergeConfig(c, { fre: { difficultyFilter: null } })).fre.difficultyFilter).toBeNull();
  });
});
