/**
 * `npm run eval -- --ckpt DIR`: the held-out evaluation of a checkpoint (text puzzles per family,
 * Sokoban from text and from frames on 6x6/1-box and 7x7/2-box boards): greedy pass@1 and pass@k
 * with bootstrap CIs, as JSON and Markdown.
 */
import { join } from 'node:path';
import { Command } from 'commander';
import { loadModel } from '../../agent/model/index.js';
import { writeFileAtomic } from '../../envs/node/atomic-file.js';
import { DEFAULT_EVAL, DEFAULT_EVAL_OPTIONS, evalTable, evaluate, suiteTask } from './evaluate.js';
import { task } from '../tasks/index.js';
import { progress } from '../../envs/node/progress.js';
import { parseNonNegative, parsePositive } from '../../envs/node/cli-options.js';

const program = new Command('eval')
  .description('Evaluate a TinyLMM checkpoint on held-out levels and puzzles (never seen in training: disjoint by content)')
  .requiredOption('--ckpt <dir>', 'checkpoint directory')
  .option('--tasks <list>', `comma-separated tasks (default: ${DEFAULT_EVAL.map((t) => t.task).join(',')})`)
  .option('--count <n>', 'items per task (default: the suite\'s own counts)', parsePositive)
  .option('--samples <n>', 'samples per item at temperature 1 for pass@k (0: greedy only)', parseNonNegative, DEFAULT_EVAL_OPTIONS.samples)
  .option('--k <n>', 'k of pass@k (--samples when larger; the report names the k used)', parsePositive, DEFAULT_EVAL_OPTIONS.k)
  .option('--threads <n>', 'intra-op threads', parsePositive, 2)
  .option('--out <dir>', 'write eval.json and eval.md here (default: the checkpoint directory)')
  .parse();

const o = program.opts<{ ckpt: string; tasks?: string; count?: number; samples: number; k: number; threads: number; out?: string }>();

async function main(): Promise<void> {
  const suite = o.tasks
    ? o.tasks.split(',').map((t) => suiteTask(t.trim(), o.count))
    : DEFAULT_EVAL.map((t) => ({ ...t, count: o.count ?? t.count }));
  for (const t of suite) task(t.task); // an unknown task fails here, before the model loads
  const model = loadModel(o.ckpt, { threads: o.threads });
  const bar = progress('eval', 1, { per: null });
  const results = await evaluate(model, suite, { samples: o.samples, k: o.k, onProgress: (d, t) => bar.update(d / t) });
  bar.stop();
  const table = evalTable([{ name: o.ckpt, results }]);
  const out = o.out ?? o.ckpt;
  writeFileAtomic(join(out, 'eval.json'), `${JSON.stringify({ checkpoint: o.ckpt, suite, results }, null, 2)}\n`);
  writeFileAtomic(join(out, 'eval.md'), `${table}\n`);
  console.log(table);
  console.log(`\nwrote ${join(out, 'eval.json')} and ${join(out, 'eval.md')}`);
  await model.dispose();
}

main().catch((e: unknown) => {
  console.error(`eval: ${(e as Error).message}`);
  process.exitCode = 1;
});
