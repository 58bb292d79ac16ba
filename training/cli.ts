/**
 * `npm run train:agent -- [options]`: LMM-R1's recipe on TinyLMM, sft -> fre -> mgt, then the
 * held-out evaluation of the warm start beside the final model.
 *
 *   npm run train:agent                                  # the default: tiny, all three stages
 *   npm run train:agent -- --stages sft,mgt              # LMM-R1's Direct-RL baseline
 *   npm run train:agent -- --out runs/a --resume         # continue an interrupted run exactly
 */
import { existsSync, readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { checkConfig, defaultConfig, mergeConfig, withSeed, type TrainConfig } from './config.js';
import type { StageName } from './run.js';
import { trainAgent } from './train.js';

const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`"${v}" is not a whole number`);
  return n;
};
const num = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`"${v}" is not a number`);
  return n;
};

const program = new Command('train:agent')
  .description("Train TinyLMM with LMM-R1's two-stage rule-based RL: sft (warm start) -> fre (RL on text) -> mgt (RL on frames)")
  .option('--config <file>', 'a JSON file of config overrides (keys as in the run\'s config.json)')
  .addOption(new Option('--preset <name>', 'model size').choices(['tiny', 'small', 'base']))
  .option('--stages <list>', 'stages to run, in order (sft,mgt is the Direct-RL baseline)')
  .addOption(new Option('--estimator <name>', 'advantage estimator of both RL stages').choices(['reinforce_baseline', 'grpo', 'rloo', 'ppo']))
  .option('--seed <n>', 'seed of the model initialisation and every stage', int)
  .option('--out <dir>', 'run directory', 'runs/default')
  .option('--resume', 'continue the run in --out from its resume point (same result as never stopping)')
  .option('--init <ckpt>', 'start from this checkpoint instead of a fresh model')
  .addOption(new Option('--device <device>', 'ORT execution provider').choices(['cpu', 'cuda']))
  .option('--threads <n>', 'intra-op threads (a fixed count keeps runs bit-identical)', int)
  .option('--sft-steps <n>', 'warm-start steps', int)
  .option('--fre-steps <n>', 'FRE steps', int)
  .option('--mgt-steps <n>', 'MGT steps', int)
  .option('--sft-minutes <x>', 'a wall-clock budget for the warm start instead of steps (--sft-steps becomes its cap; not bit-reproducible)', num)
  .option('--fre-minutes <x>', 'a wall-clock budget for FRE (as --sft-minutes)', num)
  .option('--mgt-minutes <x>', 'a wall-clock budget for MGT (as --sft-minutes)', num)
  .option('--lr <x>', 'learning rate of both RL stages', num)
  .option('--eval-scale <x>', 'multiply the number of held-out items of every evaluation task', num)
  .option('--quiet', 'no progress bars or tables')
  .addHelpText('after', '\nThe run directory gets config.json, metrics.jsonl, a checkpoint per stage, eval.json, eval.md and report.html.\nCtrl-C saves a resume point and exits; --resume continues from it.')
  .parse();

interface Flags {
  config?: string;
  preset?: TrainConfig['preset'];
  stages?: string;
  estimator?: TrainConfig['fre']['estimator'];
  seed?: number;
  out: string;
  resume?: boolean;
  init?: string;
  device?: TrainConfig['device'];
  threads?: number;
  sftSteps?: number;
  freSteps?: number;
  mgtSteps?: number;
  sftMinutes?: number;
  freMinutes?: number;
  mgtMinutes?: number;
  lr?: number;
  evalScale?: number;
  quiet?: boolean;
}

function resolveConfig(f: Flags): TrainConfig {
  let c = defaultConfig();
  const saved = `${f.out}/config.json`;
  // A resumed run reads its own resolved config: the same run, whatever the defaults are today.
  if (f.resume) {
    if (!existsSync(saved)) throw new Error(`--resume: ${saved} does not exist (nothing to resume in ${f.out})`);
    c = mergeConfig(c, JSON.parse(readFileSync(saved, 'utf8')) as unknown);
  }
  if (f.config) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(f.config, 'utf8'));
    } catch (e) {
      throw new Error(`--config ${f.config}: ${(e as Error).message}`);
    }
    c = mergeConfig(c, raw);
  }
  if (f.preset) c.preset = f.preset;
  if (f.stages) c.stages = f.stages.split(',').map((s) => s.trim()) as StageName[];
  if (f.estimator) c.fre.estimator = c.mgt.estimator = f.estimator;
  if (f.seed !== undefined) c = withSeed(c, f.seed);
  if (f.init) c.init = f.init;
  if (f.device) c.device = f.device;
  if (f.threads) c.threads = f.threads;
  if (f.sftSteps !== undefined) c.sft.steps = f.sftSteps;
  if (f.freSteps !== undefined) c.fre.steps = f.freSteps;
  if (f.mgtSteps !== undefined) c.mgt.steps = f.mgtSteps;
  // A minutes budget keeps the steps as a cap, raised so that the time is what ends the stage.
  const minutes = (st: { steps: number; minutes: number | null }, m: number | undefined, stepsGiven: boolean) => {
    if (m === undefined) return;
    st.minutes = m;
    if (!stepsGiven) st.steps = 1_000_000;
  };
  minutes(c.sft, f.sftMinutes, f.sftSteps !== undefined);
  minutes(c.fre, f.freMinutes, f.freSteps !== undefined);
  minutes(c.mgt, f.mgtMinutes, f.mgtSteps !== undefined);
  if (f.lr !== undefined) c.fre.lr = c.mgt.lr = f.lr;
  if (f.evalScale !== undefined) c.eval.tasks = c.eval.tasks.map((t) => ({ ...t, count: Math.max(1, Math.round(t.count * f.evalScale!)) }));
  return checkConfig(c);
}

async function main(): Promise<void> {
  const f = program.opts<Flags>();
  const r = await trainAgent(resolveConfig(f), { out: f.out, resume: f.resume, quiet: f.quiet });
  if (r.interrupted) process.exitCode = 130;
}

main().catch((e: unknown) => {
  console.error(`train:agent: ${(e as Error).message}`);
  process.exitCode = 1;
});
