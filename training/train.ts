// One training run as a function: the stages of a resolved config in order, the held-out evaluation
// of the starting point and of the final model, the table and the report. `train:agent` is this
// behind flags; the LMM-R1 experiment calls it once per arm and seed.
import { existsSync, readFileSync } from 'node:fs';
import { createModel, loadCheckpoint, loadModel, saveModel, type TinyLMM } from '../agent/model/index.js';
import { warnWithoutFastAllocator } from '../agent/engine/index.js';
import { removeStaleTemporaries, writeFileAtomic } from '../envs/node/atomic-file.js';
import { resolveInit, type TrainConfig } from './config.js';
import { evalTable, evaluate, heldOutKeys } from './eval/evaluate.js';
import type { TaskResult } from './eval/result.js';
import { writeReport } from './eval/run-report.js';
import { RESUME_STAGE_CODES, Run, STAGE_ORDER, type ResumePoint } from './run.js';
import { runEi } from './stages/ei.js';
import { runFre } from './stages/fre.js';
import { runMgt } from './stages/mgt.js';
import { curveTasks, runSft } from './stages/sft.js';

export interface TrainOptions {
  /** The run directory. */
  out: string;
  /** Continue the run in `out` from its resume point. */
  resume?: boolean;
  quiet?: boolean;
  /**
   * Evaluate the starting model when the run has no sft stage (default true); an experiment whose
   * arms share one warm start evaluates it once instead.
   */
  evalBefore?: boolean;
  /** The command line that started the run, kept beside it (command.txt) so a report can cite it. */
  command?: string;
}

export type EvalColumn = { name: string; results: TaskResult[] };

export interface TrainResult {
  /** The evaluations, first to last (the warm start or starting model, then the final model). */
  columns: EvalColumn[];
  /** Stopped by Ctrl-C before the end (a resume point was saved). */
  interrupted: boolean;
  minutes: number;
  table: string;
}

function startModel(c: TrainConfig, o: TrainOptions): { model: TinyLMM; resume: ResumePoint | null; state?: ReturnType<typeof loadCheckpoint>['state'] } {
  const opts = { threads: c.threads, device: c.device };
  // A kill between the save's two renames leaves only resume.old, which is whole (checkpoint.ts):
  // that is a resume point too, not a reason to start over.
  if (o.resume && (existsSync(`${o.out}/resume`) || existsSync(`${o.out}/resume.old`))) {
    const ck = loadCheckpoint(`${o.out}/resume`);
    const stage = RESUME_STAGE_CODES[ck.metrics.resume_stage];
    if (!stage) throw new Error(`${o.out}/resume has no resume_stage in its metrics: not a resume point`);
    return { model: loadModel(`${o.out}/resume`, opts), resume: { stage, step: ck.metrics.resume_step, spentS: ck.metrics.resume_spent_s ?? 0 }, state: ck.state };
  }
  if (c.init) {
    const model = loadModel(resolveInit(c.init), opts);
    if (model.preset !== c.preset) {
      void model.dispose();
      throw new Error(`--init ${c.init} is a ${model.preset} model, but the preset is ${c.preset}: train a ${c.preset} warm start with --stages sft,fre,mgt, or pass --init with a ${c.preset} checkpoint`);
    }
    return { model, resume: null };
  }
  return { model: createModel(c.preset, { seed: c.seed, ...opts }), resume: null };
}

export async function trainAgent(c: TrainConfig, o: TrainOptions): Promise<TrainResult> {
  if (!o.resume && existsSync(`${o.out}/metrics.jsonl`)) {
    throw new Error(`${o.out} already holds a run: pass --resume to continue it, or another --out`);
  }
  const { model, resume, state } = startModel(c, o);
  const run = new Run(o.out, model, heldOutKeys(c.eval.tasks), !!o.quiet);
  if (o.resume) {
    // A killed process (kill -9, a lost machine) logged steps past its resume point and may have
    // left half-written temporary files: the resumed run starts from a clean copy of that point.
    run.rewindLogs(resume ?? { stage: c.stages[0], step: 0 });
    await removeStaleTemporaries(o.out);
  }
  run.writeJson('config.json', c);
  // A resumed run keeps the command that started it: that is the one that reproduces it.
  if (o.command && !(resume && existsSync(run.path('command.txt')))) writeFileAtomic(run.path('command.txt'), `${o.command}\n`);
  let stops = 0;
  const onSigint = () => {
    if (++stops > 1) process.exit(130);
    run.interrupted = true;
    console.error('\ninterrupted: saving a resume point after this step (Ctrl-C again to quit at once)');
  };
  process.on('SIGINT', onSigint);
  const t0 = performance.now();
  const minutes = () => (performance.now() - t0) / 60000;
  try {
    run.say(`train:agent: ${model.preset} (${(model.parameterCount / 1e6).toFixed(2)}M parameters), stages ${c.stages.join(' -> ')}, ${c.threads} threads, run ${o.out}`);
    warnWithoutFastAllocator();
    const evalNow = async (name: string): Promise<TaskResult[]> => {
      const bar = run.bar('eval', 1, { per: null });
      const results = await evaluate(model, c.eval.tasks, { ...c.eval.options, replayDir: run.path('replays', name), onProgress: (d, t) => bar.update(d / t, `${name}`) });
      bar.stop();
      run.writeJson(`eval-${name}.json`, results);
      run.log({ stage: name, kind: 'eval', results: results.map((r) => ({ task: r.task, success: r.success.mean, score: r.score?.mean ?? null, pass_at_k: r.passAtK?.value.mean ?? null })) });
      return results;
    };
    const stored = (name: string): TaskResult[] | null => (existsSync(run.path(`eval-${name}.json`)) ? (JSON.parse(readFileSync(run.path(`eval-${name}.json`), 'utf8')) as TaskResult[]) : null);

    // Without an sft stage, "before" is the model as the run starts (a fresh one, or --init's).
    let before = stored('before') ?? (c.stages[0] !== 'sft' && !resume && o.evalBefore !== false ? await evalNow('before') : null);
    for (const stage of c.stages) {
      if (resume && STAGE_ORDER.indexOf(stage) < STAGE_ORDER.indexOf(resume.stage)) continue;
      const from = resume && resume.stage === stage ? { step: resume.step, spentS: resume.spentS, state } : { step: 0 };
      const curve = { tasks: curveTasks(c.eval.tasks), options: c.eval.options };
      const done =
        stage === 'sft' ? await runSft(run, c.sft, from, curve) : stage === 'ei' ? await runEi(run, c.ei, from) : stage === 'fre' ? await runFre(run, c.fre, from) : await runMgt(run, c.mgt, from);
      if (run.interrupted) {
        run.say(`stopped at ${done.stage} step ${done.step}; continue with: npm run train:agent -- --out ${o.out} --resume`);
        return { columns: [], interrupted: true, minutes: minutes(), table: '' };
      }
      saveModel(model, run.path(stage));
      run.say(`${stage}: done in ${minutes().toFixed(1)} min so far; checkpoint ${run.path(stage)}`);
      if (stage === 'sft') before = stored('sft') ?? (await evalNow('sft'));
    }
    // A warm start alone is its own final model: evaluated once.
    const warmOnly = c.stages.length === 1 && c.stages[0] === 'sft' && before;
    const after = warmOnly && before ? before : await evalNow('final');
    const columns = warmOnly ? [{ name: 'sft', results: after }] : [...(before ? [{ name: c.stages[0] === 'sft' ? 'sft' : 'before', results: before }] : []), { name: 'final', results: after }];
    const table = evalTable(columns);
    run.writeJson('eval.json', { columns });
    writeFileAtomic(run.path('eval.md'), `${table}\n`);
    writeReport(run.dir);
    run.say(`\nheld-out evaluation (greedy pass@1 with 95% bootstrap CI; the last column: the change on the same items with its paired 95% CI; score: MageBench's Sokoban score, 100 = optimal)\n${table}`);
    run.say(`\ndone in ${minutes().toFixed(1)} min: ${run.path('report.html')}`);
    return { columns, interrupted: false, minutes: minutes(), table };
  } finally {
    process.off('SIGINT', onSigint);
    await model.dispose();
  }
}
