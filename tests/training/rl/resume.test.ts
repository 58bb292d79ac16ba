// Stopping a stage and resuming it from its resume point gives bit-identical weights to a run that
// never stopped (same seed, same thread count): items, sampling seeds, the reference and the
// optimizer's moments all come back.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, loadModel, type TinyLMM } from '../../../agent/model/index.js';
import { runRlStage } from '../../../training/rl/loop.js';
import { Run } from '../../../training/run.js';
import { runSft, type SftStageConfig } from '../../../training/stages/sft.js';
import { microModel, microRl, repeatTask, warmStart, paramBytes, tempDirs } from './micro.js';

const tmp = tempDirs('resume-');
const bytes = paramBytes;

/** A run that is interrupted (as by Ctrl-C) once `steps` steps are logged. */
class StopAfter extends Run {
  private logged = 0;
  constructor(dir: string, model: TinyLMM, private readonly steps: number) {
    super(dir, model, new Set(), true);
  }
  override log(record: Record<string, unknown>): void {
    super.log(record);
    if (++this.logged >= this.steps) this.interrupted = true;
  }
}

describe('resume', () => {
  it('an RL stage stopped after step 2 and resumed ends bit-identical to an uninterrupted one', async () => {
    const cfg = { ...microRl(5), miniBatches: 2, epochs: 2 };
    const a = microModel(4);
    await warmStart(a, 10);
    await runRlStage(new Run(tmp(), a, new Set(), true), cfg, [repeatTask]);

    const b = microModel(4);
    await warmStart(b, 10);
    const dir = tmp();
    const run = new Run(dir, b, new Set(), true);
    const stopped = await runRlStage(run, cfg, [repeatTask], { step: 0 }, (log) => {
      if (log.step === 1) run.interrupted = true;
    });
    expect(stopped).toMatchObject({ stage: 'fre', step: 2 });
    expect(stopped.spentS).toBeGreaterThan(0);
    expect(bytes(b).equals(bytes(a))).toBe(false); // it really stopped early
    await b.dispose();

    const c = loadModel(join(dir, 'resume'), { threads: 1 });
    const ck = loadCheckpoint(join(dir, 'resume'));
    const done = await runRlStage(new Run(dir, c, new Set(), true), cfg, [repeatTask], { step: 2, state: ck.state });
    expect(done.step).toBe(5);
    expect(bytes(c).equals(bytes(a))).toBe(true);
    await Promise.all([a.dispose(), c.dispose()]);
  }, 180_000); // seconds on two quiet cores; room for a loaded machine

  it('an SFT stage stopped and resumed ends bit-identical to an uninterrupted one', async () => {
    const cfg: SftStageConfig = { mix: { 'arithmetic-d1': 1 }, steps: 4, minutes: null, batchSize: 8, lr: 3e-3, warmup: 1, seed: 3 };
    const a = microModel(5);
    await runSft(new Run(tmp(), a, new Set(), true), cfg);

    const b = microModel(5);
    const dir = tmp();
    const run = new StopAfter(dir, b, 2);
    const half = await runSft(run, cfg);
    expect(half.step).toBe(2);
    await b.dispose();
    const c = loadModel(join(dir, 'resume'), { threads: 1 });
    await runSft(new Run(dir, c, new Set(), true), cfg, { step: 2, state: loadCheckpoint(join(dir, 'resume')).state });
    expect(bytes(c).equals(bytes(a))).toBe(true);
    await Promise.all([a.dispose(), c.dispose()]);
  }, 60_000);
});
