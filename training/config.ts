// The one typed configuration of `train:agent`: defaults with a comment wherever a value is not
// obvious, a JSON file or flags on top, and a strict merge (an unknown key or a wrong type is an
// error naming it). The resolved config is written into the run directory.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PRESET_NAMES, type PresetName } from '../agent/model/index.js';
import { ESTIMATORS, type Estimator } from './rl/advantages.js';
import type { RlStageConfig } from './rl/loop.js';
import { STAGE_ORDER, type StageName } from './run.js';
import { DEFAULT_EVAL, DEFAULT_EVAL_OPTIONS, type EvalOptions, type EvalTask } from './eval/evaluate.js';
import { DEFAULT_EI_TASKS, EI_CLOSED_LOOP_DEFAULTS, EI_ROLLOUTS, eiSource, replayRows, type EiStageConfig } from './stages/ei.js';
import { DEFAULT_SFT_MIX, type SftStageConfig } from './stages/sft.js';
import { DEFAULT_FRE_TASKS } from './stages/fre.js';
import { DEFAULT_MGT_TASKS } from './stages/mgt.js';
import { itemTaskNamed } from './tasks/index.js';

export interface TrainConfig {
  preset: PresetName;
  stages: StageName[];
  seed: number;
  /** Intra-op threads of every ORT session; a fixed count makes runs bit-identical. */
  threads: number;
  device: 'cpu' | 'cuda';
  /** Start from this checkpoint instead of a fresh model. */
  init: string | null;
  sft: SftStageConfig;
  ei: EiStageConfig;
  fre: RlStageConfig;
  mgt: RlStageConfig;
  eval: { tasks: EvalTask[]; options: EvalOptions };
}

const rl = (stage: 'fre' | 'mgt', tasks: readonly string[], steps: number): RlStageConfig => ({
  stage,
  tasks: [...tasks],
  steps,
  minutes: null,
  // 8 prompts x 8 samples: groups big enough for a baseline, a step short enough for 2 cores.
  promptsPerStep: 8,
  samplesPerPrompt: 8,
  // Football: 2 starts x 8 episodes x up to 6 turns, about as many samples as a Sokoban step.
  startsPerStep: 2,
  sampling: { temperature: 1, topP: 1, maxNewTokens: 128 },
  estimator: 'reinforce_baseline', // LMM-R1's FRE default
  klReward: 0.001, // LMM-R1's init_kl_coef, k1 in the reward
  // PPO's clip range 0.2 for the ratio and for the value update; no k3 KL loss (the KL is k1 in the
  // reward); the value loss weight 0.5 (OpenRLHF's) counts only under --estimator ppo.
  loss: { clip: 0.2, klLoss: 0, valueCoef: 0.5, valueClip: 0.2 },
  epochs: 1,
  miniBatches: 1,
  gamma: 1,
  lambda: 1, // LMM-R1's Sokoban PPO setting
  // Above LMM-R1's 1e-6 for a 3B model, measured on the 1000-step warm start (48 + 48 steps):
  // 2e-4 lowered every held-out figure (text Sokoban 22% -> 18%, Football goals 37.5% -> 0%);
  // 2e-5 raised them (text Sokoban 22% -> 31%, frames 11% -> 15%, Football held at 37.5%).
  lr: 2e-5,
  warmup: 2,
  betas: [0.9, 0.95], // OpenRLHF's AdamW betas
  weightDecay: 0, // OpenRLHF's default for RL
  gradClip: 1, // OpenRLHF's max_norm
  // ORT plans memory per input shape: lengths rounded up to 32 keep the shapes few.
  seqMultiple: 32,
  seed: stage === 'fre' ? 2 : 3,
  sampleEvery: 10,
  // Housekeeping, all off (loop.ts): DAPO's dropping of groups whose rewards are all equal; a filter
  // on the items' last pass rates, e.g. { low: 0, high: 1 } skips always- and never-solved items;
  // cosine decay of the learning rate to 10% over the stage.
  dropUniformGroups: false,
  difficultyFilter: null,
  lrDecay: 'constant',
});

/**
 * The committed base: this config's sft stage trained for hours, copied from the run committed as
 * it goes (assets/base-run/README.md). LMM-R1 starts its RL from an instruct model; this is ours.
 */
export const WARM_START = 'assets/checkpoints/tiny-sft';

/** A checkpoint path as given, or the committed warm start found from the repository root. */
export function resolveInit(init: string): string {
  return init === WARM_START ? fileURLToPath(new URL(`../${WARM_START}`, import.meta.url)) : init;
}

export function defaultConfig(): TrainConfig {
  return {
    preset: 'tiny',
    // The default runs the two RL stages from the committed base, trained for hours (a base that
    // leaves RL anything to learn from does not fit 15 minutes on two cores: 420 steps leave text
    // Sokoban at the random agent's level), so the 15 minutes go to FRE and MGT.
    // `--stages sft,fre,mgt` trains a base too, from a fresh model (1000 steps unless told).
    stages: ['fre', 'mgt'],
    seed: 0,
    threads: 2,
    device: 'cpu',
    init: WARM_START,
    // A resume point every 50 steps (about a minute on two cores); no learning curve unless asked.
    sft: { mix: { ...DEFAULT_SFT_MIX }, steps: 1000, minutes: null, batchSize: 32, lr: 3e-3, warmup: 20, seed: 1, saveEvery: 50, evalEvery: 0, phases: [] },
    // About 1.3 s a FRE step and 1.9 s an MGT step (Football's are 4.5 s) on two quiet cores, and
    // half a minute an evaluation: 6.6 minutes in all. Twice the 72 + 48 steps of the slower code
    // (measured the same day, one seed: frames +4.5 points [+0.5, +9.0] paired, the rest within
    // their CIs; README, "How the default was chosen").
    // Expert iteration (stages/ei.ts), run only when named (`--stages ei`). 64 prompts x (8 sampled +
    // greedy) answers and 8 steps a round: half of each batch the round's items (16 rows x 8 steps,
    // each item about twice), half replayed from the base's own mix. The learning rate is the
    // base's cosine floor (10% of 3e-3): the base's schedule continued, not restarted at its peak.
    ei: {
      rounds: 10,
      promptsPerRound: 64,
      samplesPerPrompt: 8,
      stepsPerRound: 8,
      batchSize: 32,
      lr: 3e-4,
      tasks: [...DEFAULT_EI_TASKS],
      replayMix: { ...DEFAULT_SFT_MIX },
      replayShare: 0.5,
      seed: 4,
      maxNewTokens: 224, // a two-box plan's answer, with the board written first from a frame
      // Whole plans open-loop; 'closed-loop' plays one move a turn (stages/ei.ts says why these defaults).
      rollout: 'plan',
      ...EI_CLOSED_LOOP_DEFAULTS,
    },
    fre: rl('fre', DEFAULT_FRE_TASKS, 144),
    mgt: rl('mgt', DEFAULT_MGT_TASKS, 96),
    eval: { tasks: DEFAULT_EVAL.map((t) => ({ ...t })), options: { ...DEFAULT_EVAL_OPTIONS } },
  };
}

/** The config with every seed derived from `seed`: the model's initialisation and each stage's. */
export function withSeed(c: TrainConfig, seed: number): TrainConfig {
  return { ...c, seed, sft: { ...c.sft, seed: 1000 * seed + 1 }, ei: { ...c.ei, seed: 1000 * seed + 4 }, fre: { ...c.fre, seed: 1000 * seed + 2 }, mgt: { ...c.mgt, seed: 1000 * seed + 3 } };
}

const STAGES = STAGE_ORDER;
/** The estimators whose advantage is relative to the sample's group. */
const GROUP_ESTIMATORS: readonly Estimator[] = ['reinforce_baseline', 'grpo', 'rloo'];

/** The JSON of a --config file, or an error naming the file and what is wrong with it. */
export function readConfigFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`--config ${file}: ${(e as Error).message}`);
  }
}

/** Deep-merges `patch` into `base`, rejecting keys `base` lacks and values of another type. */
export function mergeConfig<T>(base: T, patch: unknown, path = 'config'): T {
  if (patch === undefined) return base;
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  // Free-form maps (the SFT mix, ei's replay mix) are replaced whole, not merged: a mix given is the mix used.
  if (path.endsWith('.mix') || path.endsWith('.replayMix')) {
    if (kind(patch) !== 'object') throw new Error(`${path}: expected an object of task names to shares, got ${JSON.stringify(patch)?.slice(0, 60)}`);
    for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
      if (typeof v !== 'number' || !(v >= 0)) throw new Error(`${path}.${k}: expected a share >= 0, got ${JSON.stringify(v)}`);
    }
    return { ...(patch as Record<string, number>) } as T;
  }
  if (kind(base) === 'object' && kind(patch) === 'object') {
    const b = base as Record<string, unknown>;
    const out: Record<string, unknown> = { ...b };
    for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
      if (!(k in b)) throw new Error(`${path}.${k}: unknown key (known: ${Object.keys(b).join(', ')})`);
      out[k] = mergeConfig(b[k], v, `${path}.${k}`);
    }
    return out as T;
  }
  // An RL stage's difficulty filter is null or { low, high }; a partial band keeps the rest of the
  // one it replaces, or of (0, 1) when it was off.
  if (path.endsWith('.difficultyFilter')) {
    if (patch === null) return patch as T;
    if (kind(patch) !== 'object') throw new Error(`${path}: expected null or an object { low, high }, got ${kind(patch)} ${JSON.stringify(patch)?.slice(0, 60)}`);
    const band: Record<string, number> = { low: 0, high: 1, ...(kind(base) === 'object' ? (base as Record<string, number>) : {}) };
    for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
      if (!(k in band)) throw new Error(`${path}.${k}: unknown key (known: low, high)`);
      if (typeof v !== 'number') throw new Error(`${path}.${k}: expected number, got ${kind(v)} ${JSON.stringify(v)?.slice(0, 60)}`);
      band[k] = v;
    }
    return band as T;
  }
  // `init` may be null or a path; a stage's `minutes` null or a number.
  if (path.endsWith('.init') && (patch === null || typeof patch === 'string')) return patch as T;
  if (path.endsWith('.minutes')) {
    if (patch === null || typeof patch === 'number') return patch as T;
    throw new Error(`${path}: expected a number of minutes or null, got ${kind(patch)} ${JSON.stringify(patch)?.slice(0, 60)}`);
  }
  if (kind(base) !== kind(patch)) throw new Error(`${path}: expected ${kind(base)}, got ${kind(patch)} ${JSON.stringify(patch)?.slice(0, 60)}`);
  return patch as T;
}

/** The SFT stage's later phases: each { from, mix, batchSize }, from a step after the one before. */
function checkPhases(phases: unknown, fail: (m: string) => never): void {
  if (!Array.isArray(phases)) fail(`sft.phases must be a list of { from, mix, batchSize }, got ${JSON.stringify(phases)?.slice(0, 60)}`);
  let last = 0;
  (phases as unknown[]).forEach((raw, i) => {
    const at = `sft.phases[${i}]`;
    const p = raw as Record<string, unknown>;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) fail(`${at} must be an object { from, mix, batchSize }`);
    const keys = Object.keys(p).sort().join(',');
    if (keys !== 'batchSize,from,mix') fail(`${at} must have exactly the keys from, mix, batchSize, got ${keys || 'none'}`);
    if (!Number.isInteger(p.from) || (p.from as number) <= last) fail(`${at}.from must be a whole step after ${last}, got ${JSON.stringify(p.from)}`);
    last = p.from as number;
    if (!Number.isInteger(p.batchSize) || (p.batchSize as number) < 1) fail(`${at}.batchSize must be a positive integer, got ${JSON.stringify(p.batchSize)}`);
    const mix = p.mix as Record<string, unknown>;
    if (typeof mix !== 'object' || mix === null || Array.isArray(mix)) fail(`${at}.mix must be an object of task names to shares`);
    const shares = Object.entries(mix);
    for (const [k, v] of shares) if (typeof v !== 'number' || !(v >= 0)) fail(`${at}.mix.${k}: expected a share >= 0, got ${JSON.stringify(v)}`);
    if (!(shares.reduce((a, [, v]) => a + (v as number), 0) > 0)) fail(`${at}.mix: the shares must add up to more than 0`);
  });
}

/** The expert iteration stage's counts, shares and task names. */
function checkEi(e: EiStageConfig, fail: (m: string) => never): void {
  for (const k of ['rounds', 'promptsPerRound', 'samplesPerPrompt', 'stepsPerRound', 'batchSize', 'maxNewTokens'] as const) {
    const least = k === 'rounds' ? 0 : 1;
    if (!Number.isInteger(e[k]) || e[k] < least) fail(`ei.${k} must be a whole number >= ${least}, got ${JSON.stringify(e[k])}`);
  }
  if (!(e.lr > 0)) fail(`ei.lr must be > 0, got ${e.lr}`);
  if (e.rollout !== undefined && !EI_ROLLOUTS.includes(e.rollout)) fail(`ei.rollout must be one of ${EI_ROLLOUTS.join(', ')}, got ${JSON.stringify(e.rollout)}`);
  for (const k of ['maxTurns', 'itemsPerEpisode', 'correctPerEpisode'] as const) {
    const least = k === 'maxTurns' ? 1 : 0;
    const v = e[k];
    if (v !== undefined && (!Number.isInteger(v) || v < least)) fail(`ei.${k} must be a whole number >= ${least}, got ${JSON.stringify(v)}`);
  }
  if (!(e.replayShare >= 0 && e.replayShare < 1)) fail(`ei.replayShare must be in [0, 1) (the rest of each batch is the round's items), got ${e.replayShare}`);
  if (replayRows(e) >= e.batchSize) fail(`ei.replayShare ${e.replayShare} of a batch of ${e.batchSize} leaves no row for the round's items`);
  if (replayRows(e) > 0 && !(Object.values(e.replayMix).reduce((a, v) => a + v, 0) > 0)) fail('ei.replayMix: the shares must add up to more than 0 (or set ei.replayShare to 0)');
  for (const name of replayRows(e) > 0 ? Object.keys(e.replayMix) : []) {
    try {
      itemTaskNamed(name, 'ei.replayMix');
    } catch (err) {
      fail(`ei.replayMix: ${(err as Error).message}`);
    }
  }
  if (e.tasks.length === 0) fail('ei.tasks is empty');
  for (const t of e.tasks) {
    try {
      eiSource(t);
    } catch (err) {
      fail(`ei.tasks: ${(err as Error).message.replace(/^ei: /, '')}`);
    }
  }
}

/** Checks the values a type cannot: names, ranges. Throws naming the first problem. */
export function checkConfig(c: TrainConfig): TrainConfig {
  const fail = (m: string): never => {
    throw new Error(`invalid config: ${m}`);
  };
  if (!PRESET_NAMES.includes(c.preset)) fail(`preset "${c.preset}" is not one of ${PRESET_NAMES.join(', ')}`);
  if (c.stages.length === 0) fail('no stages');
  for (const s of c.stages) if (!STAGES.includes(s)) fail(`stage "${s}" is not one of ${STAGES.join(', ')}`);
  const order = c.stages.map((s) => STAGES.indexOf(s));
  if (order.some((x, i) => i > 0 && x <= order[i - 1])) fail(`stages must be in the order ${STAGES.join(', ')} without repeats, got ${c.stages.join(',')}`);
  if (!Number.isInteger(c.threads) || c.threads < 1) fail(`threads must be a positive integer, got ${c.threads}`);
  if (c.device !== 'cpu' && c.device !== 'cuda') fail(`device must be cpu or cuda, got ${c.device}`);
  for (const st of [c.fre, c.mgt]) {
    const estimators = Object.keys(ESTIMATORS);
    if (!estimators.includes(st.estimator)) fail(`${st.stage}.estimator "${st.estimator}" is not one of ${estimators.join(', ')}`);
    if (st.estimator === 'ppo' && !(st.loss.valueCoef > 0)) fail(`${st.stage}.loss.valueCoef must be > 0 for ppo (it trains the value head), got ${st.loss.valueCoef}`);
    if (st.betas.length !== 2 || !st.betas.every((b) => b >= 0 && b < 1)) fail(`${st.stage}.betas must be two numbers in [0, 1), got ${JSON.stringify(st.betas)}`);
    if (!(st.weightDecay >= 0)) fail(`${st.stage}.weightDecay must be >= 0, got ${st.weightDecay}`);
    if (!(st.gradClip > 0)) fail(`${st.stage}.gradClip must be > 0, got ${st.gradClip}`);
    if (!Number.isInteger(st.seqMultiple) || st.seqMultiple < 1) fail(`${st.stage}.seqMultiple must be a positive integer, got ${st.seqMultiple}`);
    for (const k of ['steps', 'promptsPerStep', 'samplesPerPrompt', 'startsPerStep', 'epochs', 'miniBatches'] as const) {
      if (!Number.isInteger(st[k]) || st[k] < (k === 'steps' ? 0 : 1)) fail(`${st.stage}.${k} must be a whole number >= ${k === 'steps' ? 0 : 1}, got ${st[k]}`);
    }
    if (st.tasks.length === 0) fail(`${st.stage}.tasks is empty`);
    if (st.minutes !== null && !(st.minutes > 0)) fail(`${st.stage}.minutes must be > 0 or null, got ${st.minutes}`);
    if (!(st.lr > 0)) fail(`${st.stage}.lr must be > 0`);
    if (!(st.sampling.temperature > 0)) fail(`${st.stage}.sampling.temperature must be > 0`);
    if (st.dropUniformGroups !== undefined && typeof st.dropUniformGroups !== 'boolean') fail(`${st.stage}.dropUniformGroups must be true or false, got ${JSON.stringify(st.dropUniformGroups)}`);
    // Only a group baseline makes a uniform group's advantage zero; under reinforce and ppo it is not.
    if (st.dropUniformGroups && !GROUP_ESTIMATORS.includes(st.estimator)) fail(`${st.stage}.dropUniformGroups needs a group-relative estimator (${GROUP_ESTIMATORS.join(', ')}), got ${st.estimator}`);
    const band = st.difficultyFilter;
    if (band !== undefined && band !== null) {
      const keys = typeof band === 'object' ? Object.keys(band).sort().join(',') : '';
      if (keys !== 'high,low' || !Number.isFinite(band.low) || !Number.isFinite(band.high) || !(band.low >= 0 && band.low < band.high && band.high <= 1)) {
        fail(`${st.stage}.difficultyFilter must be null or { low, high } with 0 <= low < high <= 1, got ${JSON.stringify(band)}`);
      }
    }
    if (st.lrDecay !== undefined && st.lrDecay !== 'constant' && st.lrDecay !== 'cosine') fail(`${st.stage}.lrDecay must be constant or cosine, got ${JSON.stringify(st.lrDecay)}`);
  }
  if (!Number.isInteger(c.sft.steps) || c.sft.steps < 0) fail(`sft.steps must be a whole number, got ${c.sft.steps}`);
  if (c.sft.minutes !== null && !(c.sft.minutes > 0)) fail(`sft.minutes must be > 0 or null, got ${c.sft.minutes}`);
  if (!Number.isInteger(c.sft.batchSize) || c.sft.batchSize < 1) fail(`sft.batchSize must be a positive integer`);
  if (c.sft.saveEvery !== undefined && (!Number.isInteger(c.sft.saveEvery) || c.sft.saveEvery < 1)) fail(`sft.saveEvery must be a whole number >= 1, got ${c.sft.saveEvery}`);
  if (c.sft.evalEvery !== undefined && (!Number.isInteger(c.sft.evalEvery) || c.sft.evalEvery < 0)) fail(`sft.evalEvery must be a whole number >= 0 (0: no learning curve), got ${c.sft.evalEvery}`);
  checkPhases(c.sft.phases ?? [], fail);
  checkEi(c.ei, fail);
  return c;
}
