// train:agent's flags on top of the config: defaults, then a resumed run's own config, then a
// --config file, then flags. Kept apart from the CLI so that the rules are tested as functions.
import { existsSync, readFileSync } from 'node:fs';
import { checkConfig, defaultConfig, mergeConfig, readConfigFile, withSeed, type TrainConfig } from './config.js';
import type { StageName } from './run.js';

export interface Flags {
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
  eiRounds?: number;
  freSteps?: number;
  mgtSteps?: number;
  sftMinutes?: number;
  saveEvery?: number;
  evalEvery?: number;
  freMinutes?: number;
  mgtMinutes?: number;
  lr?: number;
  evalScale?: number;
  quiet?: boolean;
}

export function resolveConfig(f: Flags): TrainConfig {
  let c = defaultConfig();
  // Whether `init` was chosen (by a flag, a config file or the run being resumed) or is the default.
  let initChosen = f.init !== undefined;
  const saved = `${f.out}/config.json`;
  // A resumed run reads its own resolved config: the same run, whatever the defaults are today.
  if (f.resume) {
    if (!existsSync(saved)) throw new Error(`--resume: ${saved} does not exist (nothing to resume in ${f.out})`);
    c = mergeConfig(c, JSON.parse(readFileSync(saved, 'utf8')) as unknown);
    initChosen = true;
  }
  if (f.config) {
    const raw = readConfigFile(f.config);
    c = mergeConfig(c, raw);
    if (typeof raw === 'object' && raw !== null && 'init' in raw) initChosen = true;
  }
  if (f.preset) c.preset = f.preset;
  if (f.stages) c.stages = f.stages.split(',').map((s) => s.trim()) as StageName[];
  if (f.estimator) c.fre.estimator = c.mgt.estimator = f.estimator;
  if (f.seed !== undefined) c = withSeed(c, f.seed);
  // Training the warm start means starting from a fresh model, unless --init names a checkpoint.
  if (c.stages.includes('sft') && !initChosen) c.init = null;
  if (f.init) c.init = f.init === 'none' ? null : f.init;
  if (f.device) c.device = f.device;
  // Set whenever given: 0 is no "unset" (checkConfig refuses it, naming threads).
  if (f.threads !== undefined) c.threads = f.threads;
  if (f.sftSteps !== undefined) c.sft.steps = f.sftSteps;
  if (f.saveEvery !== undefined) c.sft.saveEvery = f.saveEvery;
  if (f.evalEvery !== undefined) c.sft.evalEvery = f.evalEvery;
  if (f.eiRounds !== undefined) c.ei.rounds = f.eiRounds;
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
  if (f.evalScale !== undefined && !(f.evalScale > 0)) throw new Error(`--eval-scale must be above 0, got ${f.evalScale}`);
  if (f.evalScale !== undefined) c.eval.tasks = c.eval.tasks.map((t) => ({ ...t, count: Math.max(1, Math.round(t.count * f.evalScale!)) }));
  return checkConfig(c);
}

