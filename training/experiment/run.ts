// Runs the experiment: per seed, the warm start once, then every arm from the checkpoint it builds
// on. Resumable: an arm whose arm.json exists is read back, not rerun; an arm stopped halfway
// continues from its resume point.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../envs/node/atomic-file.js';
import { withSeed, type TrainConfig } from '../config.js';
import type { TaskResult } from '../eval/evaluate.js';
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
        outcomes.push(JSON.parse(readFileSync(done, 'utf8')) as ArmOutcome);
        continue;
      }
      o.onArm?.(seed, arm, false);
      const from = arm.from ? ARMS.find((a) => a.name === arm.from)! : null;
      const init = from ? armCheckpoint(armDir(o.out, seed, from.name), from) : null;
      if (init && !existsSync(init)) throw new Error(`arm ${arm.name} (seed ${seed}) starts from ${init}, which does not exist: run arm ${from!.name} first`);
      const r = await trainAgent(armConfig(base, arm, init), { out: dir, resume: existsSync(join(dir, 'metrics.jsonl')), quiet: o.quiet, evalBefore: false });
      if (r.interrupted) return { outcomes, interrupted: true };
      const final = r.columns[r.columns.length - 1];
      // Minutes across a resume are those of the last part only; the metrics hold every step's time.
      const outcome: ArmOutcome = { seed, arm: arm.name, dir, results: final.results, minutes: r.minutes };
      writeFileAtomic(done, `${JSON.stringify(outcome)}\n`);
      outcomes.push(outcome);
    }
  }
  return { outcomes, interrupted: false };
}
