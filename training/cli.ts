/**
 * `npm run train:agent -- [options]`: LMM-R1's recipe on TinyLMM (sft -> fre -> mgt), then the
 * held-out evaluation of the starting model beside the final one.
 *
 *   npm run train:agent                                  # the default: fre -> mgt from the committed warm start
 *   npm run train:agent -- --stages sft,fre,mgt          # the whole recipe from a fresh model
 *   npm run train:agent -- --stages mgt                  # LMM-R1's Direct-RL baseline
 *   npm run train:agent -- --stages ei --init assets/checkpoints/tiny-sft --out runs/ei   # expert iteration on two-box Sokoban
 *   npm run train:agent -- --out runs/a --resume         # continue an interrupted run exactly
 */
import { Command, Option } from 'commander';
import { parseNonNegative, parsePositive, parsePositiveNumber } from '../envs/node/cli-options.js';
import { npmCommand } from '../envs/node/command-line.js';
import { WARM_START } from './config.js';
import { ESTIMATORS } from './rl/advantages.js';
import { resolveConfig, type Flags } from './flags.js';
import { trainAgent } from './train.js';

const program = new Command('train:agent')
  .description("Train TinyLMM with LMM-R1's two-stage rule-based RL: sft (warm start) -> fre (RL on text) -> mgt (RL on frames); ei (expert iteration with the Sokoban solver) runs between sft and fre when named")
  .option('--config <file>', 'a JSON file of config overrides (keys as in the run\'s config.json)')
  .addOption(new Option('--preset <name>', 'model size').choices(['tiny', 'small', 'base']))
  .option('--stages <list>', 'stages to run, in the order sft,ei,fre,mgt (default fre,mgt; mgt alone is the Direct-RL baseline; with sft the warm start is trained too; ei: expert iteration on two-box Sokoban)')
  .addOption(new Option('--estimator <name>', 'advantage estimator of both RL stages').choices(Object.keys(ESTIMATORS)))
  .option('--seed <n>', 'seed of the model initialisation and every stage', parseNonNegative)
  .option('--out <dir>', 'run directory', 'runs/default')
  .option('--resume', 'continue the run in --out from its resume point (same result as never stopping)')
  .option('--init <ckpt>', `start from this checkpoint ("none": a fresh model); default ${WARM_START}, or a fresh model when the stages include sft`)
  .addOption(new Option('--device <device>', 'ORT execution provider').choices(['cpu', 'cuda']))
  .option('--threads <n>', 'intra-op threads (a fixed count keeps runs bit-identical)', parsePositive)
  .option('--sft-steps <n>', 'warm-start steps', parseNonNegative)
  .option('--ei-rounds <n>', 'expert iteration rounds (stage ei: sample, keep verified answers or relabel with the solver, fine-tune)', parseNonNegative)
  .option('--fre-steps <n>', 'FRE steps', parseNonNegative)
  .option('--mgt-steps <n>', 'MGT steps', parseNonNegative)
  .option('--sft-minutes <x>', 'a wall-clock budget for the warm start instead of steps (--sft-steps becomes its cap; not bit-reproducible)', parsePositiveNumber)
  .option('--fre-minutes <x>', 'a wall-clock budget for FRE (as --sft-minutes)', parsePositiveNumber)
  .option('--mgt-minutes <x>', 'a wall-clock budget for MGT (as --sft-minutes)', parsePositiveNumber)
  .option('--save-every <n>', 'warm start: a resume point every n steps (default 50)', parsePositive)
  .option('--eval-every <n>', 'warm start: greedy pass@1 on 32 held-out items per item task every n steps and at the end, logged to metrics.jsonl and drawn in report.html (default 0: off)', parseNonNegative)
  .option('--lr <x>', 'learning rate of both RL stages', parsePositiveNumber)
  .option('--eval-scale <x>', 'multiply the number of held-out items of every evaluation task (at least 1 each)', parsePositiveNumber)
  .option('--quiet', 'no progress bars or tables')
  .addHelpText('after', '\nThe run directory gets config.json, metrics.jsonl, a checkpoint per stage, eval.json, eval.md and report.html.\nCtrl-C saves a resume point and exits; --resume continues from it.')
  .parse();

async function main(): Promise<void> {
  const f = program.opts<Flags>();
  const r = await trainAgent(resolveConfig(f), { out: f.out, resume: f.resume, quiet: f.quiet, command: npmCommand('train:agent', process.argv.slice(2)) });
  if (r.interrupted) process.exitCode = 130;
}

main().catch((e: unknown) => {
  console.error(`train:agent: ${(e as Error).message}`);
  process.exitCode = 1;
});
