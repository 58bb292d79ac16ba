// Runs the experiment: per seed, the warm start once, then every arm from the checkpoint it builds
// on. Resumable: an arm whose arm.json exists is read back, not rerun; an arm stopped halfway
// continues from its resume point.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../envs/node/atomic-file.js';
import { loadModel } from '../../agent/model/index.js';
import { resolveInit, withSeed, type TrainConfig } from '../config.js';
import { evaluate, type EvalTask } from '../eval/evaluate.js';
import type { TaskResult } from '../eval/result.js';
import { trainAgent } from '../train.js';
import { ARMS, armCheckpoint, armConfig, type Arm, type ArmName } from './arms.js';

/** A minute-sized budget (`--quick`): every arm, stage and evaluation runs, none long enough to learn. */
export const QUICK_BUDGET = {
  sft: { steps: 3, batchSize: 8 },
  fre: { steps: 2, promptsPerStep: 2, samplesPerPrompt: 2, startsPerStep: 1, sampling: { maxNewTokens: 24 } },
  mgt: { steps: 2, promptsPerStep: 2, samplesPerPrompt: 2, startsPerStep: 1, sampling: { maxNewTokens: 24 } },
  eval: {
    tasks: [
      { task: 'sokoban-text-6x6-1', count: 3 },
      { task: 'sokoban-image-6x6-1', count: 3 },
      { task: 'countdown-d1', count: 3 },
      { task: 'football-online-empty-goal', count: 2 },
    ],
    options: { samples: 2, k: 2, maxNewTokens: 24 },
  },
};

export interface ExperimentOptions {
  out: string;
  seeds: number;
  /** The config every arm derives from (budgets, preset, evaluation suite). */
  base: TrainConfig;
  quiet?: boolean;
  /** Run only these arms (default all); an arm they build on must be among them or done already. */
  arms?: readonly ArmName[];
  /**
   * Warm starts already trained, by seed: that seed's sft arm is this checkpoint, evaluated, not
   * retrained (it must be the sft stage of the same config and seed, e.g. assets/checkpoints/tiny-sft
   * for seed 0 of the default).
   */
  warmStarts?: Readonly<Record<number, string>>;
  /**
   * Tasks to evaluate again on every finished arm's final checkpoint, as the base config's suite
   * now specifies them (after a change to a task's evaluation), keeping the arm's other results.
   */
  reevaluate?: readonly string[];
  /** Told before each arm starts (or is read back). */
  onArm?: (seed: number, arm: Arm, cached: boolean) => void;
}

export interface ArmOutcome {
  seed: number;
  arm: ArmName;
  dir: string;
  /** The held-out evaluation of the arm's final model. */
  results: TaskResult[];
  /** Wall-clock of the arm's own run (its stages and evaluations). */
  minutes: number;
  /** The arm's final checkpoint, which arms after it start from. */
  checkpoint: string;
  /** Tasks evaluated again after the arm finished (`reevaluate`), with the spec they were measured under. */
  reevaluated?: Record<string, EvalTask>;
}

export interface ExperimentResult {
  outcomes: ArmOutcome[];
  /** Stopped by Ctrl-C: the finished arms are in `outcomes`, the rest resume next time. */
  interrupted: boolean;
}

export const armDir = (out: string, seed: number, arm: ArmName) => join(out, `seed-${seed}`, arm);

export async function runExperiment(o: ExperimentOptions): Promise<ExperimentResult> {
  if (!Number.isInteger(o.seeds) || o.seeds < 1) throw new Error(`--seeds must be a positive whole number, got ${o.seeds}`);
  const outcomes: ArmOutcome[] = [];
  for (let seed = 0; seed < o.seeds; seed++) {
    const base = withSeed(o.base, seed);
    for (const arm of ARMS) {
      if (o.arms && !o.arms.includes(arm.name)) continue;
      const dir = armDir(o.out, seed, arm.name);
      const done = join(dir, 'arm.json');
      if (existsSync(done)) {
        o.onArm?.(seed, arm, true);
        let outcome = JSON.parse(readFileSync(done, 'utf8')) as ArmOutcome;
        if (o.reevaluate?.length) {
          outcome = await reevaluateArm(outcome, base, o.reevaluate);
          writeFileAtomic(done, `${JSON.stringify(outcome)}\n`);
        }
        outcomes.push(outcome);
        continue;
      }
      o.onArm?.(seed, arm, false);
      const given = arm.name === 'sft' ? o.warmStarts?.[seed] : undefined;
      if (given) {
        const outcome = await evaluateWarmStart(given, base, seed, dir);
        writeFileAtomic(done, `${JSON.stringify(outcome)}\n`);
        outcomes.push(outcome);
        continue;
      }
      const fromDone = arm.from ? join(armDir(o.out, seed, arm.from), 'arm.json') : null;
      if (fromDone && !existsSync(fromDone)) throw new Error(`arm ${arm.name} (seed ${seed}) starts from arm ${arm.from}, which has not run: run arm ${arm.from} first`);
      const init = fromDone ? (JSON.parse(readFileSync(fromDone, 'utf8')) as ArmOutcome).checkpoint : null;
      const r = await trainAgent(armConfig(base, arm, init), { out: dir, resume: existsSync(join(dir, 'metrics.jsonl')), quiet: o.quiet, evalBefore: false });
      if (r.interrupted) return { outcomes, interrupted: true };
      const final = r.columns[r.columns.length - 1];
      // Minutes across a resume are those of the last part only; the metrics hold every step's time.
      const outcome: ArmOutcome = { seed, arm: arm.name, dir, results: final.results, minutes: r.minutes, checkpoint: armCheckpoint(dir, arm) };
      writeFileAtomic(done, `${JSON.stringify(outcome)}\n`);
      outcomes.push(outcome);
    }
  }
  return { outcomes, interrupted: false };
}

/** An arm's outcome with `tasks` measured again as `c`'s suite specifies them (skipping those already so measured). */
async function reevaluateArm(outcome: ArmOutcome, c: TrainConfig, tasks: readonly string[]): Promise<ArmOutcome> {
  const specs = tasks.map((t) => {
    const spec = c.eval.tasks.find((x) => x.task === t);
    if (!spec) throw new Error(`--reevaluate: ${t} is not in the evaluation suite (${c.eval.tasks.map((x) => x.task).join(', ')})`);
    return spec;
  });
  const stale = specs.filter((spec) => JSON.stringify(outcome.reevaluated?.[spec.task]) !== JSON.stringify(spec));
  if (stale.length === 0) return outcome;
  const model = loadModel(resolveInit(outcome.checkpoint), { threads: c.threads, device: c.device });
  try {
    const fresh = await evaluate(model, stale, { ...c.eval.options, replayDir: join(outcome.dir, 'replays', 'reevaluated') });
    const results = outcome.results.map((r) => fresh.find((f) => f.task === r.task) ?? r);
    for (const f of fresh) if (!results.includes(f)) results.push(f);
    return { ...outcome, results, reevaluated: { ...outcome.reevaluated, ...Object.fromEntries(stale.map((spec) => [spec.task, spec])) } };
  } finally {
    await model.dispose();
  }
}

/** A given warm start as a seed's sft arm: its held-out evaluation, and it as the checkpoint to build on. */
async function evaluateWarmStart(ckpt: string, c: TrainConfig, seed: number, dir: string): Promise<ArmOutcome> {
  const t0 = performance.now();
  const model = loadModel(resolveInit(ckpt), { threads: c.threads, device: c.device });
  try {
    if (model.preset !== c.preset) throw new Error(`warm start ${ckpt} is a ${model.preset} model, the experiment's preset is ${c.preset}`);
    const results = await evaluate(model, c.eval.tasks, { ...c.eval.options, replayDir: join(dir, 'replays', 'sft') });
    return { seed, arm: 'sft', dir, results, minutes: (performance.now() - t0) / 60000, checkpoint: ckpt };
  } finally {
    await model.dispose();
  }
}
