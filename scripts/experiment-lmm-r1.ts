/**
 * `npm run experiment:lmm-r1 -- --seeds 3 [--preset tiny|small] [--out DIR]`: LMM-R1's Table 3 on
 * TinyLMM. Per seed one warm start, then FRE, Direct-RL, FRE -> MGT and the compute control (Direct-RL
 * with the fre + mgt budget), and a question the paper leaves open: FRE on the text puzzles alone (no
 * Sokoban), then MGT from it. All are evaluated on one held-out suite (greedy pass@1 and pass@k);
 * RESULTS.md and results.html summarise them. Resumable: run the same command again to continue.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Command, Option } from 'commander';
import { writeFileAtomic } from '../envs/node/atomic-file.js';
import { parsePositive } from '../envs/node/cli-options.js';
import { flagPair, npmCommand } from '../envs/node/command-line.js';
import { checkConfig, defaultConfig, mergeConfig, readConfigFile, WARM_START, type TrainConfig } from '../training/config.js';
import { ARMS, FRE_PUZZLE_TASKS, type ArmName } from '../training/experiment/arms.js';
import { QUICK_BUDGET, runExperiment } from '../training/experiment/runner.js';
import { resultsHtml, resultsMarkdown, type LadderRun } from '../training/experiment/results.js';
import { summarize } from '../training/experiment/summary.js';


const program = new Command('experiment:lmm-r1')
  .description(
    `LMM-R1's Table 3 on TinyLMM: warm start, FRE, Direct-RL, FRE -> MGT and a compute control, over several seeds; and FRE on puzzles only (${FRE_PUZZLE_TASKS.join(', ')}; no Sokoban), then MGT: does reasoning RL on other domains carry over to the game?`,
  )
  .option('--seeds <n>', 'training seeds (0 .. n-1)', parsePositive, 3)
  .addOption(new Option('--preset <name>', 'model size').choices(['tiny', 'small', 'base']))
  .option('--out <dir>', 'experiment directory (one run directory per seed and arm)', 'runs/lmm-r1')
  .option('--config <file>', "a JSON file of config overrides, as train:agent's --config (budgets, suite)")
  .option('--threads <n>', 'intra-op threads (a fixed count keeps runs bit-identical)', parsePositive)
  .option('--arms <list>', `run only these arms (of ${ARMS.map((a) => a.name).join(', ')}); the results cover the arms done for every seed`)
  .option('--warm-start <seed=dir...>', `use an already trained warm start as a seed's sft arm (e.g. 0=${WARM_START}, the default's seed 0), instead of training it`)
  .option('--quick', 'a minute-sized budget that runs every arm end to end (a smoke test, not a result)')
  .option('--results <file>', 'where RESULTS.md goes (its .html beside it)', '')
  .option('--note <text>', 'a line about the conditions of the run, printed under the header')
  .option('--ladder-run <label=dir...>', 'a finished train:agent run (a longer or bigger one) whose evaluations join the accuracy ladder, with its command')
  .option('--reevaluate <tasks>', "evaluate these tasks again on every finished arm's checkpoint, as the suite now specifies them (after a change to how a task is evaluated)")
  .option('--diagnosis <file>', 'a Markdown file from diagnose:sokoban (reading the board or planning) to show on the ladder')
  .option('--quiet', 'no progress bars')
  .addHelpText(
    'after',
    `
Arms, in the order they run (each from the checkpoint of the one in brackets):
${ARMS.map((a) => `  ${a.name.padEnd(16)} ${a.label}${a.from ? ` [${a.from}]` : ''}`).join('\n')}
fre-puzzles has fre's budget and settings with its tasks swapped for ${FRE_PUZZLE_TASKS.join(', ')}; fre-puzzles-mgt has the mgt budget of fre-mgt.
Every arm reports greedy pass@1 and pass@k (samples at temperature 1), each with a seed-and-item bootstrap CI and paired differences.

Run it again with the same flags to continue: a finished arm is read back, a stopped one resumes.`,
  )
  .parse();

interface Flags {
  seeds: number;
  preset?: TrainConfig['preset'];
  out: string;
  config?: string;
  threads?: number;
  quick?: boolean;
  arms?: string;
  warmStart?: string[];
  results: string;
  note?: string;
  ladderRun?: string[];
  diagnosis?: string;
  reevaluate?: string;
  quiet?: boolean;
}

function baseConfig(f: Flags): { config: TrainConfig; budget: string } {
  let c = defaultConfig();
  if (f.quick) c = mergeConfig(c, QUICK_BUDGET);
  if (f.config) c = mergeConfig(c, readConfigFile(f.config));
  if (f.preset) c.preset = f.preset;
  if (f.threads) c.threads = f.threads;
  checkConfig(c);
  const stage = (name: string, st: { steps: number; minutes: number | null }) => `${name} ${st.minutes !== null ? `${st.minutes} min` : `${st.steps} steps`}`;
  return { config: c, budget: `${stage('sft', c.sft)}, ${stage('fre', c.fre)}, ${stage('mgt', c.mgt)} (Direct-RL control: mgt for fre + mgt; FRE on puzzles only: fre's on ${FRE_PUZZLE_TASKS.join(', ')})` };
}

function parseWarmStart(v: string): [number, string] {
  const [seed, dir] = flagPair('--warm-start', v, 'SEED=DIR');
  if (!/^\d+$/.test(seed)) throw new Error(`--warm-start: expected SEED=DIR, got "${v}"`);
  return [Number(seed), dir];
}

function readLadderRun(v: string): LadderRun {
  const [label, dir] = flagPair('--ladder-run', v, 'LABEL=DIR');
  const evalFile = join(dir, 'eval.json');
  if (!existsSync(evalFile)) throw new Error(`--ladder-run: ${evalFile} does not exist: is ${dir} a finished train:agent run?`);
  const commandFile = join(dir, 'command.txt');
  if (!existsSync(commandFile)) throw new Error(`--ladder-run: ${commandFile} does not exist: the ladder cites the command of each run`);
  const { columns } = JSON.parse(readFileSync(evalFile, 'utf8')) as { columns: LadderRun['columns'] };
  return { label, command: readFileSync(commandFile, 'utf8').trim(), columns };
}

function parseArms(list: string): ArmName[] {
  const names = list.split(',').map((s) => s.trim());
  for (const n of names) if (!ARMS.some((a) => a.name === n)) throw new Error(`--arms: "${n}" is not one of ${ARMS.map((a) => a.name).join(', ')}`);
  return names as ArmName[];
}

async function main(): Promise<void> {
  const f = program.opts<Flags>();
  const { config, budget } = baseConfig(f);
  const ladderRuns = (f.ladderRun ?? []).map(readLadderRun);
  if (f.diagnosis && !existsSync(f.diagnosis)) throw new Error(`--diagnosis: ${f.diagnosis} does not exist (write it with npm run diagnose:sokoban -- --out ${f.diagnosis})`);
  const diagnosis = f.diagnosis ? readFileSync(f.diagnosis, 'utf8') : undefined;
  const t0 = performance.now();
  const r = await runExperiment({
    out: f.out,
    seeds: f.seeds,
    base: config,
    quiet: f.quiet,
    arms: f.arms ? parseArms(f.arms) : undefined,
    warmStarts: Object.fromEntries((f.warmStart ?? []).map(parseWarmStart)),
    reevaluate: f.reevaluate ? f.reevaluate.split(',').map((t) => t.trim()) : undefined,
    onArm: (seed, arm, cached) => {
      if (!f.quiet) console.log(`${cached ? 'done already' : 'running'}: seed ${seed}, ${arm.label} (${((performance.now() - t0) / 60000).toFixed(1)} min so far)`);
    },
  });
  const summary = summarize(r.outcomes);
  const resultsFile = f.results || join(f.out, 'RESULTS.md');
  // The command that reproduces the results: the flags as given, less the note about this run.
  const args = process.argv.slice(2);
  const noteAt = args.findIndex((x) => x === '--note' || x.startsWith('--note='));
  if (noteAt >= 0) args.splice(noteAt, args[noteAt] === '--note' ? 2 : 1);
  const htmlFile = join(dirname(resultsFile), `${basename(resultsFile).replace(/\.md$/i, '')}.html`);
  const ctx = { out: f.out, html: basename(htmlFile), note: f.note, command: npmCommand('experiment:lmm-r1', args), preset: config.preset, threads: config.threads, budget, date: new Date().toISOString().slice(0, 10), ladderRuns, diagnosis };
  const md = resultsMarkdown(summary, ctx);
  writeFileAtomic(resultsFile, md);
  writeFileAtomic(htmlFile, resultsHtml(summary, ctx, md));
  if (!f.quiet) console.log(`\n${md}`);
  console.log(`${r.interrupted ? 'interrupted; run the same command to continue. Partial ' : ''}results: ${resultsFile}, ${htmlFile}`);
  if (r.interrupted) process.exitCode = 130;
}

main().catch((e: unknown) => {
  console.error(`experiment:lmm-r1: ${(e as Error).message}`);
  process.exitCode = 1;
});
