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
import { createModel, loadCheckpoint, loadModel, saveModel, type TinyLMM } from '../agent/index.js';
import { checkConfig, defaultConfig, mergeConfig, type TrainConfig } from './config.js';
import { evalTable, evaluate, heldOutKeys, type TaskResult } from './eval/evaluate.js';
import { writeReport } from './report.js';
import { Run, type ResumePoint, type StageName } from './run.js';
import { runFre } from './stages/fre.js';
import { runMgt } from './stages/mgt.js';
import { runSft } from './stages/sft.js';

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
  if (f.seed !== undefined) {
    c.seed = f.seed;
    c.sft.seed = 1000 * f.seed + 1;
    c.fre.seed = 1000 * f.seed + 2;
    c.mgt.seed = 1000 * f.seed + 3;
  }
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

function startModel(c: TrainConfig, f: Flags): { model: TinyLMM; resume: ResumePoint | null; state?: ReturnType<typeof loadCheckpoint>['state'] } {
  const opts = { threads: c.threads, device: c.device };
  if (f.resume && existsSync(`${f.out}/resume`)) {
    const ck = loadCheckpoint(`${f.out}/resume`);
    const stage = (['sft', 'fre', 'mgt'] as const)[ck.metrics.resume_stage];
    if (!stage) throw new Error(`${f.out}/resume has no resume_stage in its metrics: not a resume point`);
    return { model: loadModel(`${f.out}/resume`, opts), resume: { stage, step: ck.metrics.resume_step, spentS: ck.metrics.resume_spent_s ?? 0 }, state: ck.state };
  }
  if (c.init) return { model: loadModel(c.init, opts), resume: null };
  return { model: createModel(c.preset, { seed: c.seed, ...opts }), resume: null };
}

async function main(): Promise<void> {
  const f = program.opts<Flags>();
  const c = resolveConfig(f);
  if (!f.resume && existsSync(`${f.out}/metrics.jsonl`)) {
    throw new Error(`${f.out} already holds a run: pass --resume to continue it, or another --out`);
  }
  const { model, resume, state } = startModel(c, f);
  const run = new Run(f.out, model, heldOutKeys(c.eval.tasks), !!f.quiet);
  run.writeJson('config.json', c);
  let stops = 0;
  process.on('SIGINT', () => {
    if (++stops > 1) process.exit(130);
    run.interrupted = true;
    console.error('\ninterrupted: saving a resume point after this step (Ctrl-C again to quit at once)');
  });
  run.say(`train:agent: ${model.preset} (${(model.parameterCount / 1e6).toFixed(2)}M parameters), stages ${c.stages.join(' -> ')}, ${c.threads} threads, run ${f.out}`);

  const evalNow = async (name: string): Promise<TaskResult[]> => {
    const bar = run.bar('eval', 1);
    const results = await evaluate(model, c.eval.tasks, { ...c.eval.options, replayDir: run.path('replays', name), onProgress: (d, t) => bar.update(d / t, `${name}`) });
    bar.stop();
    run.writeJson(`eval-${name}.json`, results);
    run.log({ stage: name, kind: 'eval', results: results.map((r) => ({ task: r.task, success: r.success.mean, score: r.score?.mean ?? null, pass_at_k: r.passAtK?.value.mean ?? null })) });
    return results;
  };
  const stored = (name: string): TaskResult[] | null => (existsSync(run.path(`eval-${name}.json`)) ? (JSON.parse(readFileSync(run.path(`eval-${name}.json`), 'utf8')) as TaskResult[]) : null);

  const t0 = performance.now();
  // Without an sft stage, "before" is the model as the run starts (a fresh one, or --init's).
  let before = stored('before') ?? (c.stages[0] !== 'sft' && !resume ? await evalNow('before') : null);
  const order: StageName[] = ['sft', 'fre', 'mgt'];
  for (const stage of c.stages) {
    if (resume && order.indexOf(stage) < order.indexOf(resume.stage)) continue;
    const from = resume && resume.stage === stage ? { step: resume.step, spentS: resume.spentS, state } : { step: 0 };
    const done =
      stage === 'sft' ? await runSft(run, c.sft, from) : stage === 'fre' ? await runFre(run, c.fre, from) : await runMgt(run, c.mgt, from);
    if (run.interrupted) {
      run.say(`stopped at ${done.stage} step ${done.step}; continue with: npm run train:agent -- --out ${f.out} --resume`);
      await model.dispose();
      process.exitCode = 130;
      return;
    }
    saveModel(model, run.path(stage));
    run.say(`${stage}: done in ${((performance.now() - t0) / 60000).toFixed(1)} min so far; checkpoint ${run.path(stage)}`);
    if (stage === 'sft') before = stored('sft') ?? (await evalNow('sft'));
  }
  const after = await evalNow('final');
  const columns = [...(before ? [{ name: c.stages[0] === 'sft' ? 'sft' : 'before', results: before }] : []), { name: 'final', results: after }];
  const table = evalTable(columns);
  run.writeJson('eval.json', { columns });
  const { writeFileAtomic } = await import('../envs/node/atomic-file.js');
  writeFileAtomic(run.path('eval.md'), `${table}\n`);
  writeReport(run.dir);
  run.say(`\nheld-out evaluation (greedy pass@1 with 95% bootstrap CI; the last column: the change on the same items with its paired 95% CI; score: MageBench's Sokoban score, 100 = optimal)\n${table}`);
  run.say(`\ndone in ${((performance.now() - t0) / 60000).toFixed(1)} min: ${run.path('report.html')}`);
  await model.dispose();
}

main().catch((e: unknown) => {
  console.error(`train:agent: ${(e as Error).message}`);
  process.exitCode = 1;
});
