/**
 * `npm run data:sft -- --run DIR`: what a run's warm start trained on, task by task: the rows it
 * drew and how many distinct items (by content key) they held, drawn again from the run's own
 * config without a model (training/stages/sft-coverage.ts). For the committed base:
 * `npm run data:sft -- --run assets/base-run`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { writeFileAtomic } from '../envs/node/atomic-file.js';
import { parsePositive } from '../envs/node/cli-options.js';
import { npmCommand } from '../envs/node/command-line.js';
import { progressBar } from '../envs/node/progress.js';
import { heldOutKeys } from '../training/eval/evaluate.js';
import { resolveConfig } from '../training/flags.js';
import { RESUME_STAGE_CODES } from '../training/run.js';
import { sftCoverage, sftRowCounts } from '../training/stages/sft-coverage.js';

const program = new Command('data:sft')
  .description("What a run's warm start (sft stage) trained on: rows and distinct items per task, held-out items excluded as in training")
  .requiredOption('--run <dir>', 'a train:agent run directory (its config.json is read)')
  .option('--steps <n>', 'count the first n steps (default: the steps the run has trained: all of them once its sft checkpoint exists, else its resume point)', parsePositive)
  .option('--out <file>', 'also write the table (with the command) to this Markdown file')
  .parse();

const o = program.opts<{ run: string; steps?: number; out?: string }>();

/** The sft steps the run has trained, from its sft checkpoint or its resume point. */
function stepsTrained(run: string, budget: number): number {
  if (existsSync(`${run}/sft/manifest.json`)) return budget;
  const manifest = `${run}/resume/manifest.json`;
  if (!existsSync(manifest)) throw new Error(`${run} has neither an sft checkpoint nor a resume point: pass --steps`);
  const m = (JSON.parse(readFileSync(manifest, 'utf8')) as { metrics?: { resume_stage?: number; resume_step?: number } }).metrics ?? {};
  // A resume point past sft (the run went on to later stages) means sft trained its whole budget.
  if (m.resume_stage !== RESUME_STAGE_CODES.indexOf('sft')) return budget;
  if (typeof m.resume_step !== 'number') throw new Error(`${manifest} has no resume_step: pass --steps`);
  return m.resume_step;
}

const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '-');

function main(): void {
  if (!existsSync(`${o.run}/config.json`)) throw new Error(`${o.run}/config.json does not exist: --run takes a train:agent run directory`);
  const c = resolveConfig({ out: o.run, resume: true });
  if (!c.stages.includes('sft')) throw new Error(`${o.run} has no sft stage (its stages: ${c.stages.join(', ')})`);
  const steps = o.steps ?? stepsTrained(o.run, c.sft.steps);
  const total = [...sftRowCounts(c.sft, steps).values()].reduce((a, n) => a + n, 0);
  const bar = progressBar(total, 'items');
  const rows = sftCoverage(c.sft, steps, heldOutKeys(c.eval.tasks), (n) => bar.tick(n));
  bar.stop();
  const lines = [
    '| task | rows trained | distinct items | distinct share |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.task} | ${r.rows} | ${r.distinct} | ${pct(r.distinct, r.rows)} |`),
    // No distinct total: tasks on the same levels (text and frames of one size) share content keys.
    `| all | ${total} | | |`,
  ];
  const table = lines.join('\n');
  console.log(`${o.run}: sft steps 0..${steps - 1}, seed ${c.sft.seed}; the evaluation's items excluded by content\n\n${table}`);
  if (o.out) {
    writeFileAtomic(o.out, `Produced by \`${npmCommand('data:sft', process.argv.slice(2))}\` (sft steps 0..${steps - 1} of ${o.run}; items drawn as training drew them, the evaluation's held out by content).\n\n${table}\n`);
    console.log(`\nwrote ${o.out}`);
  }
}

try {
  main();
} catch (e) {
  console.error(`data:sft: ${(e as Error).message}`);
  process.exitCode = 1;
}
