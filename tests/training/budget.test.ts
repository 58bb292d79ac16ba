// Stage budgets in minutes: the clock's progress is the larger of the steps and the time spent,
// the cosine schedule follows it to its floor, resumes continue the time already spent, the config
// takes minutes as a number or null, and a real SFT stage on a minutes budget stops on time.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StageClock } from '../../training/run.js';
import { checkConfig, defaultConfig, mergeConfig } from '../../training/config.js';
import { lrAt } from '../../training/optim/index.js';
import { Run } from '../../training/run.js';
import { runSft } from '../../training/stages/sft.js';
import { microModel } from './rl/micro.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A clock whose time is set by hand (milliseconds). */
function fakeTime() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('StageClock', () => {
  it('a steps budget counts steps only', () => {
    const time = fakeTime();
    const c = new StageClock({ steps: 10, minutes: null }, 0, time.now);
    time.advance(10 * 60_000);
    expect(c.progress(0)).toBe(0);
    expect(c.progress(4)).toBeCloseTo(0.4, 15);
    expect(c.done(9)).toBe(false);
    expect(c.done(10)).toBe(true);
    expect(c.bar(4)).toEqual({ value: 4, total: 10, unit: '' });
  });

  it('a minutes budget ends on time, with the steps as a cap, and carries time across a resume', () => {
    const time = fakeTime();
    const c = new StageClock({ steps: 1000, minutes: 2 }, 0, time.now);
    time.advance(30_000);
    expect(c.progress(3)).toBeCloseTo(0.25, 15); // 30 s of 120
    expect(c.bar(3)).toEqual({ value: 30, total: 120, unit: ' s' });
    time.advance(90_000);
    expect(c.done(7)).toBe(true);
    // The cap still holds when steps run out first.
    expect(new StageClock({ steps: 5, minutes: 60 }, 0, time.now).done(5)).toBe(true);
    // A resumed stage starts from the 60 s it had spent: half its budget is gone.
    const resumed = new StageClock({ steps: 1000, minutes: 2 }, 60_000, time.now);
    expect(resumed.progress(0)).toBeCloseTo(0.5, 15);
    expect(resumed.spentMs()).toBe(60_000);
  });

  it('the cosine schedule follows the progress it is given, to the floor at 1', () => {
    const base = { lr: 1e-3, warmup: 2, kind: 'cosine' as const, total: 12, minLr: 1e-4 };
    // By steps: (step - warmup) / (total - warmup); a progress function giving the same values
    // gives the same rates.
    for (const step of [2, 5, 7, 12]) {
      expect(lrAt(step, { ...base, progress: (s) => (s - 2) / 10 })).toBeCloseTo(lrAt(step, base), 15);
    }
    expect(lrAt(3, { ...base, progress: () => 1 })).toBeCloseTo(1e-4, 15);
    expect(lrAt(3, { ...base, progress: () => 0.5 })).toBeCloseTo(1e-4 + 0.5 * 9e-4, 15);
    expect(lrAt(0, { ...base, progress: () => 0.9 })).toBeCloseTo(5e-4, 15); // warm-up stays by steps
    expect(() => lrAt(5, { lr: 1, kind: 'cosine' })).toThrow(/total. or .progress/);
  });
});

describe('minutes in the config', () => {
  it('takes a number or null, and refuses zero, negatives and strings, naming the key', () => {
    const c = mergeConfig(defaultConfig(), { sft: { minutes: 5 }, fre: { minutes: 1.5 } });
    expect(c.sft.minutes).toBe(5);
    expect(c.fre.minutes).toBe(1.5);
    expect(mergeConfig(c, { sft: { minutes: null } }).sft.minutes).toBeNull();
    expect(() => mergeConfig(defaultConfig(), { mgt: { minutes: '5' } })).toThrow(/config\.mgt\.minutes: expected a number of minutes or null, got string/);
    expect(() => checkConfig(mergeConfig(defaultConfig(), { sft: { minutes: 0 } }))).toThrow(/sft\.minutes must be > 0/);
    expect(() => checkConfig(mergeConfig(defaultConfig(), { fre: { minutes: -1 } }))).toThrow(/fre\.minutes must be > 0/);
  });
});

describe('an SFT stage on a minutes budget', () => {
  it('stops when its time is spent, long before its step cap, with the rate decayed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'budget-'));
    dirs.push(dir);
    const model = microModel(1);
    const done = await runSft(new Run(dir, model, new Set(), true), { mix: { 'arithmetic-d1': 1 }, steps: 100_000, minutes: 0.03, batchSize: 4, lr: 3e-3, warmup: 1, seed: 1 });
    expect(done.step).toBeGreaterThan(1);
    expect(done.step).toBeLessThan(100_000);
    expect(done.spentS).toBeGreaterThanOrEqual(1.8);
    const lrs = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { lr: number }).lr);
    expect(lrs.length).toBe(done.step);
    // The last step ran near the end of the time, so its rate is well down the cosine.
    expect(lrs[lrs.length - 1]).toBeLessThan(0.75 * 3e-3);
    await model.dispose();
  }, 30_000);
});
