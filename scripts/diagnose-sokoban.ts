/**
 * `npm run diagnose:sokoban -- --ckpt LABEL=DIR ...`: what holds checkpoints back on held-out
 * Sokoban boards, reading the board or planning from it (training/eval/diagnose.ts), as a Markdown
 * table that experiment:lmm-r1 --diagnosis puts on the accuracy ladder.
 */
import { Command } from 'commander';
import { loadModel } from '../agent/model/index.js';
import { writeFileAtomic } from '../envs/node/atomic-file.js';
import { flagPair, npmCommand } from '../envs/node/command-line.js';
import { diagnoseSokoban, diagnosisTable, isSokobanPlanTask, type SokobanDiagnosis } from '../training/eval/diagnose.js';
import { DEFAULT_EVAL, DEFAULT_EVAL_OPTIONS, suiteTask } from '../training/eval/evaluate.js';
import { task } from '../training/tasks/index.js';
import { progressBar } from '../envs/node/progress.js';
import { parsePositive } from '../envs/node/cli-options.js';

const SOKOBAN = DEFAULT_EVAL.filter((t) => isSokobanPlanTask(t.task));

const program = new Command('diagnose:sokoban')
  .description('Held-out Sokoban, per checkpoint: pass@1, how often the board is read right, pass@1 when read right or wrong, and pass@1 when the true positions are given')
  .requiredOption('--ckpt <label=dir...>', 'checkpoints to diagnose, each as LABEL=DIR')
  .option('--tasks <list>', `comma-separated Sokoban tasks (default: ${SOKOBAN.map((t) => t.task).join(',')})`)
  .option('--count <n>', "boards per task (default: the evaluation suite's counts)", parsePositive)
  .option('--threads <n>', 'intra-op threads', parsePositive, 2)
  .option('--out <file>', 'also write the table (with the command) to this Markdown file')
  .parse();

const o = program.opts<{ ckpt: string[]; tasks?: string; count?: number; threads: number; out?: string }>();

function parseCkpt(v: string): { label: string; dir: string } {
  const [label, dir] = flagPair('--ckpt', v, 'LABEL=DIR');
  return { label, dir };
}

async function main(): Promise<void> {
  const ckpts = o.ckpt.map(parseCkpt);
  const names = o.tasks ? o.tasks.split(',').map((t) => t.trim()) : SOKOBAN.map((t) => t.task);
  for (const t of names) {
    task(t); // an unknown task fails here, before any model loads
    if (!isSokobanPlanTask(t)) throw new Error(`--tasks: ${t} is not a Sokoban plan task (sokoban-text-* or sokoban-image-*)`);
  }
  const suite = names.map((task) => suiteTask(task, o.count));
  const rows: { checkpoint: string; d: SokobanDiagnosis }[] = [];
  const bar = progressBar(ckpts.length * suite.length, 'diagnose');
  for (const c of ckpts) {
    const model = loadModel(c.dir, { threads: o.threads });
    try {
      for (const t of suite) {
        rows.push({ checkpoint: c.label, d: await diagnoseSokoban(model, t, { batchSize: DEFAULT_EVAL_OPTIONS.batchSize, maxNewTokens: DEFAULT_EVAL_OPTIONS.maxNewTokens }) });
        bar.tick();
      }
    } finally {
      await model.dispose();
    }
  }
  bar.stop();
  const table = diagnosisTable(rows);
  console.log(table);
  if (o.out) {
    const md = `Produced by \`${npmCommand('diagnose:sokoban', process.argv.slice(2))}\` (greedy answers on the held-out boards of the evaluation suite; 95% bootstrap CIs over boards).\n\n${table}\n`;
    writeFileAtomic(o.out, md);
    console.log(`\nwrote ${o.out}`);
  }
}

main().catch((e: unknown) => {
  console.error(`diagnose:sokoban: ${(e as Error).message}`);
  process.exitCode = 1;
});
