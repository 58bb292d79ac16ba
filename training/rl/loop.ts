// One RL stage (FRE or MGT), as one visible loop over one visible step:
//
//   1. rollout      the step's prompts (or episode starts), n samples each, on today's weights
//   2. rewards      each sample's rule-based reward, from its task (envs/rewards)
//   3. reference    the frozen reference's log-probs of the same tokens (the KL), PPO's values
//   4. advantages   the estimator over groups, k1 KL in the per-token reward (./advantages.ts)
//   5. update       PPO-clip passes over mini-batches (one pass: plain policy gradient; ./loss.ts)
//   6. log          rewards, success, pass@n, KL, entropy, timings: one metrics line a step
//   7. checkpoint   a resume point every 10 steps and at the end
//
// Every step's items and sampling seed are functions of (seed, stage, step), so a resumed stage
// replays exactly what an uninterrupted one would have done. Sampling and the update never overlap:
// a step samples on the weights the previous step's update left.
//
// Three housekeeping options, each off by default: `dropUniformGroups` (DAPO's dynamic sampling:
// groups whose samples all got the same reward are left out of phases 3-5), `difficultyFilter`
// (items whose last pass rate in the stage is outside (low, high) are skipped at phase 1; the
// record of pass rates, a function of the stage's history, is saved beside each resume point) and
// `lrDecay: 'cosine'` (the learning rate decays to 10% over the stage's budget).
import { existsSync, readFileSync } from 'node:fs';
import { loadModel, responseLogprobs, saveModel, type TinyLMM } from '../../agent/model/index.js';
import type { RewardResult } from '../../envs/rewards/index.js';
import { lrAt, type Schedule } from '../optim/index.js';
import { StageClock, type Run, type StageName, type StageStart, type ResumePoint } from '../run.js';
import type { PromptItem, Rollout, Sample, SamplingConfig, Task } from '../tasks/index.js';
import { GraphTrainer } from '../trainer/graph-trainer.js';
import { groupSizesOf, tokenAdvantages, type Estimator, type TokenAdvantages } from './advantages.js';
import { batchFeeds, buildRlTrainGraph, lossKey, samplePixels, type LossConfig } from './loss.js';

export interface RlStageConfig {
  stage: Extract<StageName, 'fre' | 'mgt'>;
  /** Task names, cycled one per step (a step's batch is all text or all frames). */
  tasks: string[];
  /** Steps; with `minutes`, the most steps the stage may take. */
  steps: number;
  /** A wall-clock budget in minutes instead of a number of steps (null: steps). */
  minutes: number | null;
  /** Prompts a step of an item task samples (x samplesPerPrompt samples). */
  promptsPerStep: number;
  samplesPerPrompt: number;
  /** Starts a step of an episode task plays (x samplesPerPrompt episodes, one sample a turn). */
  startsPerStep: number;
  sampling: SamplingConfig;
  estimator: Estimator;
  /** k1 KL to the stage's starting weights in the per-token reward (LMM-R1: 0.001). */
  klReward: number;
  /** The loss; its `valueCoef` weighs PPO's value loss and is ignored by the other estimators. */
  loss: LossConfig;
  epochs: number;
  miniBatches: number;
  gamma: number;
  lambda: number;
  lr: number;
  /** Warm-up steps (LMM-R1: 3% of the run). */
  warmup: number;
  /** AdamW's moment decays and weight decay. */
  betas: [number, number];
  weightDecay: number;
  /** The global gradient norm is clipped to this before each optimizer step. */
  gradClip: number;
  /** Padded prompt and response lengths are rounded up to this multiple (few shapes, bounded session memory). */
  seqMultiple: number;
  seed: number;
  /** Log a few sample generations every this many steps (0: never). */
  sampleEvery: number;
  /**
   * Leave out of the update every group whose samples all got the same reward (DAPO's dynamic
   * sampling): its group-relative advantage is zero, so it would only add KL and cost update time.
   * Absent: false.
   */
  dropUniformGroups?: boolean;
  /**
   * Skip, when a step draws its items, every item whose last pass rate in this stage is known and
   * not strictly between `low` and `high` (0 and 1: always- and never-solved items); the next slot
   * is drawn instead, at most FILTER_SKIPS_PER_GROUP per group a step. Item tasks only. Absent: null.
   */
  difficultyFilter?: { low: number; high: number } | null;
  /** After warm-up: the learning rate as is, or cosine to 10% of it over the stage's budget. Absent: constant. */
  lrDecay?: 'constant' | 'cosine';
}

/**
 * Items the difficulty filter may skip in one step, per group: enough to get past a run of solved
 * items, and a bound, so that a stage whose items are all recorded outside the band cannot loop.
 */
export const FILTER_SKIPS_PER_GROUP = 4;

export interface StepLog {
  stage: string;
  step: number;
  task: string;
  reward: number;
  success: number;
  [k: string]: number | string;
}

/** What one stage's steps share: the weights being trained, their optimizer, the frozen reference. */
export interface RlState {
  model: TinyLMM;
  trainer: GraphTrainer;
  /** The stage's starting weights, when the KL needs them. */
  ref: TinyLMM | null;
  cfg: RlStageConfig;
  /** The loss as the estimator uses it (no value loss without PPO). */
  loss: LossConfig;
  schedule: Schedule;
  heldOut: ReadonlySet<string>;
  /** The step in flight: what a cosine schedule's decay follows (the optimizer's own count is the updates made). */
  at: { step: number };
  /** The difficulty filter's record: item key -> the pass rate of its last group in this stage. */
  passRates: Map<string, number>;
}

/** What a step did: its samples and rewards, the update's statistics, the phases' times. */
export interface StepOutcome {
  task: Task;
  rollout: Rollout;
  rewards: RewardResult[];
  /** The samples fed to the update (all of them, unless `dropUniformGroups` left groups out); `refLogprobs` are theirs. */
  fed: Sample[];
  refLogprobs?: number[][];
  update: UpdateStats;
  /** The share of the step's groups left out of the update. */
  groupsDropped: number;
  /** Items the difficulty filter skipped while drawing the step's. */
  filterSkipped: number;
  ms: { rewards: number; reference: number; total: number };
}

/** Runs (or continues, from `start.step`) one RL stage on `run.model`; returns where it stopped. */
export async function runRlStage(run: Run, cfg: RlStageConfig, tasks: readonly Task[], start: StageStart = { step: 0 }, onStep?: (log: StepLog) => void): Promise<ResumePoint> {
  const clock = new StageClock(cfg, (start.spentS ?? 0) * 1000);
  const s = await rlState(run.model, cfg, run.heldOut, () => referenceModel(run, cfg.stage, start.step === 0), clock);
  if (start.state) s.trainer.loadState(start.state);
  if (cfg.difficultyFilter && start.step > 0) loadPassRates(run, cfg.stage, start.step, s.passRates);
  // The filter's record first, then the resume point: a kill between the two leaves the record of
  // both points, so either resume point finds its own.
  const save = (done: number) => {
    if (cfg.difficultyFilter) savePassRates(run, cfg.stage, done, s.passRates);
    run.saveResume({ stage: cfg.stage, step: done, spentS: clock.spentMs() / 1000 }, s.trainer);
  };
  const span = clock.bar(start.step);
  const bar = run.bar(cfg.stage, span.total, { unit: span.unit, start: span.value });
  let step = start.step;
  try {
    for (; !clock.done(step) && !run.interrupted; step++) {
      const out = await rlStep(s, tasks[step % tasks.length], step);

      // --- 6. log ---
      const log = stepLog(s, step, out);
      run.log(log);
      onStep?.(log);
      if (cfg.sampleEvery > 0 && step % cfg.sampleEvery === 0) {
        const shown = out.rollout.samples.slice(0, 4).map((x, i) => ({ task: x.item.task, prompt: x.item.key, text: x.text, reward: out.rewards[i].total, success: out.rewards[i].success }));
        run.logSamples(cfg.stage, { step, samples: shown });
      }
      bar.update(clock.bar(step + 1).value, `${out.task.name} reward ${log.reward.toFixed(2)} success ${(100 * log.success).toFixed(0)}%`);

      // --- 7. checkpoint: the resume point every few steps (evaluation is the CLI's, per stage) ---
      if ((step + 1) % 10 === 0) save(step + 1);
    }
  } finally {
    bar.stop();
    await s.ref?.dispose();
  }
  save(step);
  return { stage: cfg.stage, step, spentS: clock.spentMs() / 1000 };
}

/**
 * The trainer, the loss and the reference of a stage on `model`. `clock` is the stage's: a cosine
 * decay under a minutes budget follows its progress (without it, or with a steps budget, the steps').
 */
export async function rlState(model: TinyLMM, cfg: RlStageConfig, heldOut: ReadonlySet<string>, reference: () => Promise<TinyLMM>, clock?: StageClock): Promise<RlState> {
  if (cfg.estimator === 'ppo' && !model.config.valueHead) throw new Error('--estimator ppo needs a model with a value head');
  const loss: LossConfig = { ...cfg.loss, valueCoef: cfg.estimator === 'ppo' ? cfg.loss.valueCoef : 0 };
  const at = { step: 0 };
  // The trainer asks the schedule at its own count of updates, which is what warm-up counts (as with
  // a constant rate). The decay follows the RL step in flight instead, so that several updates a
  // step or steps without one (dropUniformGroups) leave it on the stage's budget: with a steps
  // budget the last step trains at exactly 10%; with minutes, the clock's progress (as the SFT stage).
  const progress = (step: number): number =>
    clock && cfg.minutes !== null ? clock.progress(step) : (step - cfg.warmup) / Math.max(1, cfg.steps - 1 - cfg.warmup);
  const schedule: Schedule =
    cfg.lrDecay === 'cosine' ? { lr: cfg.lr, warmup: cfg.warmup, kind: 'cosine', minLr: cfg.lr * 0.1, progress: () => progress(at.step) } : { lr: cfg.lr, warmup: cfg.warmup, kind: 'constant' };
  const trainer = new GraphTrainer(model, lossKey(loss), (vision) => buildRlTrainGraph(model.config, loss, vision), { schedule, betas: cfg.betas, weightDecay: cfg.weightDecay, clip: cfg.gradClip });
  const ref = cfg.klReward > 0 || loss.klLoss > 0 ? await reference() : null;
  return { model, trainer, ref, cfg, loss, schedule, heldOut, at, passRates: new Map() };
}

/** One step of the stage on `task`: phases 1 to 5. */
export async function rlStep(s: RlState, task: Task, step: number): Promise<StepOutcome> {
  const { model, cfg } = s;
  const t0 = performance.now();
  s.at.step = step;

  // --- 1. rollout: the step's groups, n samples each, on today's weights ---
  const groups = task.kind === 'episodes' ? cfg.startsPerStep : cfg.promptsPerStep;
  // The difficulty filter, a function of the stage's history (the record), bounded per step.
  const band = task.kind === 'items' ? cfg.difficultyFilter : null;
  let filterSkipped = 0;
  const skip = (item: PromptItem): boolean => {
    const rate = s.passRates.get(item.key);
    if (!band || rate === undefined || (rate > band.low && rate < band.high) || filterSkipped >= FILTER_SKIPS_PER_GROUP * groups) return false;
    filterSkipped++;
    return true;
  };
  const rollout = await task.rollout(model, {
    groups,
    n: cfg.samplesPerPrompt,
    sampling: cfg.sampling,
    seed: cfg.seed,
    stage: cfg.stage,
    slot: step,
    heldOut: s.heldOut,
    ...(band ? { skip } : {}),
  });
  const samples = rollout.samples;

  // --- 2. rewards: each sample's rule-based reward (an episode turn's: format + the env's reward to go) ---
  const t1 = performance.now();
  const rewards = samples.map((x) => task.reward(x));
  if (band) recordPassRates(s.passRates, samples, rewards);
  const { fed: kept, dropped } = cfg.dropUniformGroups ? nonUniformGroups(samples, rewards) : { fed: null, dropped: 0 };
  const fed = kept ? kept.map((i) => samples[i]) : samples;
  const fedRewards = kept ? kept.map((i) => rewards[i]) : rewards;
  const groupsDropped = dropped / Math.max(1, groupSizesOf(samples).length);

  // --- 3. reference and values: log-probs of the same tokens under the frozen reference; PPO's values ---
  const t2 = performance.now();
  if (fed.length === 0) {
    // Every group was uniform: nothing to learn from, so no update at all. The optimizer takes no
    // step (its count stays the updates actually made, AdamW's moments and bias correction
    // untouched, no weight decay), and the stage's step still counts: the cosine decay and the
    // budget follow the steps, not the updates.
    return { task, rollout, rewards, fed, update: noUpdate(), groupsDropped, filterSkipped, ms: { rewards: t2 - t1, reference: 0, total: performance.now() - t0 } };
  }
  const input = { promptIds: fed.map((x) => x.promptIds), responseIds: fed.map((x) => x.response), pixelValues: samplePixels(fed) };
  const refLogprobs = s.ref ? (await responseLogprobs(s.ref, input)).logprobs : undefined;
  const values = cfg.estimator === 'ppo' ? (await responseLogprobs(model, { ...input, values: true })).values : undefined;

  // --- 4. advantages ---
  const adv = tokenAdvantages(
    { rewards: fedRewards.map((r) => r.total), groups: groupSizesOf(fed), logprobs: fed.map((x) => x.logprobs), refLogprobs, values },
    { estimator: cfg.estimator, klReward: cfg.klReward, gamma: cfg.gamma, lambda: cfg.lambda },
  );
  const t3 = performance.now();

  // --- 5. update: the parameters change in place ---
  const update = await policyUpdate(s, fed, adv, { refLogprobs, values });
  return { task, rollout, rewards, fed, refLogprobs, update, groupsDropped, filterSkipped, ms: { rewards: t2 - t1, reference: t3 - t2, total: performance.now() - t0 } };
}

/** Indices of the samples in groups whose rewards differ, and how many groups were uniform. */
export function nonUniformGroups(samples: readonly Sample[], rewards: readonly RewardResult[]): { fed: number[]; dropped: number } {
  const fed: number[] = [];
  let dropped = 0;
  let start = 0;
  for (const size of groupSizesOf(samples)) {
    const rows = Array.from({ length: size }, (_, i) => start + i);
    if (rows.every((i) => rewards[i].total === rewards[start].total)) dropped++;
    else fed.push(...rows);
    start += size;
  }
  return { fed, dropped };
}

/** Each group's pass rate (its share of successes) under its item's key: the filter's record. */
function recordPassRates(record: Map<string, number>, samples: readonly Sample[], rewards: readonly RewardResult[]): void {
  let start = 0;
  for (const size of groupSizesOf(samples)) {
    const solved = rewards.slice(start, start + size).filter((r) => r.success).length;
    record.set(samples[start].item.key, solved / size);
    start += size;
  }
}

/** The difficulty record's file: the record at the last two resume points of the stage. */
const passRatesFile = (stage: StageName) => `${stage}-pass-rates.json`;
interface PassRatesPoint {
  step: number;
  rates: Record<string, number>;
}

/**
 * Writes the record at resume point `step` (atomically), keeping the point before it: a kill after
 * this write and before the resume point's own save resumes from that earlier point. Points at or
 * past `step` (a killed process's, from before its resume point) are dropped.
 */
function savePassRates(run: Run, stage: StageName, step: number, record: ReadonlyMap<string, number>): void {
  const file = run.path(passRatesFile(stage));
  const before = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { points: PassRatesPoint[] }).points.filter((p) => p.step < step).slice(-1) : [];
  run.writeJson(passRatesFile(stage), { points: [...before, { step, rates: Object.fromEntries(record) }] });
}

/** The record at resume point `step` into `record`; a run saved without the filter starts with none. */
function loadPassRates(run: Run, stage: StageName, step: number, record: Map<string, number>): void {
  const file = run.path(passRatesFile(stage));
  if (!existsSync(file)) {
    run.say(`${stage}: no ${passRatesFile(stage)} beside the resume point (saved without the difficulty filter): the filter starts with no record`);
    return;
  }
  const point = (JSON.parse(readFileSync(file, 'utf8')) as { points: PassRatesPoint[] }).points.find((p) => p.step === step);
  if (!point) throw new Error(`${file} holds no difficulty record for the resume point at step ${step}: the filter could not continue as the stage would have`);
  for (const [k, v] of Object.entries(point.rates)) record.set(k, v);
}

export interface UpdateStats {
  loss: number;
  gradNorm: number;
  lr: number;
  clipFrac: number;
  ratioMean: number;
  /** The first pass's ratio: exactly 1 by construction (see loss.ts). */
  firstRatio: number;
  valueLoss?: number;
  klLoss?: number;
  trainMs: number;
  trainTokens: number;
  skipped: number;
}

/** A step that made no update: nothing trained, no optimizer step. */
function noUpdate(): UpdateStats {
  return { loss: 0, gradNorm: 0, lr: 0, clipFrac: 0, ratioMean: 0, firstRatio: Number.NaN, trainMs: 0, trainTokens: 0, skipped: 0 };
}

/** `cfg.epochs` passes over `cfg.miniBatches` mini-batches of the samples, one optimizer step each. */
export async function policyUpdate(
  s: RlState,
  samples: readonly Sample[],
  adv: TokenAdvantages,
  extra: { refLogprobs?: readonly (readonly number[])[]; values?: readonly (readonly number[])[] },
): Promise<UpdateStats> {
  const { cfg, loss } = s;
  const t0 = performance.now();
  const n = samples.length;
  const per = Math.ceil(n / cfg.miniBatches);
  const batches = Array.from({ length: cfg.miniBatches }, (_, b) => Array.from({ length: Math.min(per, n - b * per) }, (_, i) => b * per + i)).filter((b) => b.length > 0);
  // The old policy's log-probs per mini-batch, read from its first pass (see loss.ts).
  const oldLogprobs: (Float32Array | null)[] = batches.map(() => null);
  const acc = { loss: 0, gradNorm: 0, lr: 0, clip: 0, ratio: 0, value: 0, kl: 0, count: 0, tokens: 0, skipped: 0, first: Number.NaN };
  const aux = ['logprobs', 'clip_frac', 'ratio_mean', ...(loss.klLoss > 0 ? ['kl_k3'] : []), ...(loss.valueCoef > 0 ? ['value_loss'] : [])];
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    for (const [b, rows] of batches.entries()) {
      const feeds = batchFeeds(s.model, rows.map((i) => samples[i]), rows.map((i) => adv.advantages[i]), cfg.seqMultiple, {
        old: oldLogprobs[b],
        returns: adv.returns ? rows.map((i) => adv.returns![i]) : undefined,
        values: extra.values ? rows.map((i) => extra.values![i]) : undefined,
        ref: loss.klLoss > 0 && extra.refLogprobs ? rows.map((i) => extra.refLogprobs![i]) : undefined,
      });
      const r = await s.trainer.step(feeds.feeds, feeds.vision, aux);
      if (oldLogprobs[b] === null) oldLogprobs[b] = r.aux.logprobs.data as Float32Array;
      const num = (k: string) => Number(r.aux[k]?.data[0] ?? 0);
      if (Number.isNaN(acc.first)) acc.first = num('ratio_mean');
      acc.loss += r.loss;
      acc.gradNorm += r.gradNorm;
      acc.lr = r.lr;
      acc.clip += num('clip_frac');
      acc.ratio += num('ratio_mean');
      acc.value += num('value_loss');
      acc.kl += num('kl_k3');
      acc.count++;
      acc.tokens += feeds.tokens;
      acc.skipped += r.skipped ? 1 : 0;
    }
  }
  const c = Math.max(1, acc.count);
  return {
    loss: acc.loss / c,
    gradNorm: acc.gradNorm / c,
    lr: acc.lr,
    clipFrac: acc.clip / c,
    ratioMean: acc.ratio / c,
    firstRatio: acc.first,
    ...(loss.valueCoef > 0 ? { valueLoss: acc.value / c } : {}),
    ...(loss.klLoss > 0 ? { klLoss: acc.kl / c } : {}),
    trainMs: performance.now() - t0,
    trainTokens: acc.tokens,
    skipped: acc.skipped,
  };
}

/**
 * The frozen reference: the stage's starting weights. Saved beside the run when the stage starts,
 * so that a resumed stage compares with the same weights as an uninterrupted one.
 */
async function referenceModel(run: Run, stage: StageName, fresh: boolean): Promise<TinyLMM> {
  const dir = run.path(`${stage}-reference`);
  if (fresh || !existsSync(dir)) saveModel(run.model, dir);
  return loadModel(dir, run.model.options);
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : 0;
}

function stepLog(s: RlState, step: number, out: StepOutcome): StepLog {
  const { samples, timing } = out.rollout;
  const { rewards, fed, refLogprobs: ref, update: upd } = out;
  const succ = rewards.map((r) => (r.success ? 1 : 0));
  // Per group of the samples (an episode task's groups differ in size: episodes end early).
  const sizes = groupSizesOf(samples);
  const starts = sizes.map((_, g) => sizes.slice(0, g).reduce((a, x) => a + x, 0));
  const solved = sizes.map((size, g) => succ.slice(starts[g], starts[g] + size).reduce((a: number, x) => a + x, 0));
  const parts: Record<string, number> = {};
  for (const r of rewards) {
    for (const [k, v] of Object.entries({ format: r.format, task: r.task, ...r.bonuses })) parts[`reward_${k}`] = (parts[`reward_${k}`] ?? 0) + v / samples.length;
  }
  const tokens = samples.flatMap((x) => x.logprobs);
  return {
    stage: s.cfg.stage,
    step,
    task: out.task.name,
    reward: mean(rewards.map((r) => r.total)),
    success: mean(succ),
    ...parts,
    // pass@n of a group of n samples: 1 when any of them succeeded.
    [`pass@${s.cfg.samplesPerPrompt}`]: mean(solved.map((c) => (c > 0 ? 1 : 0))),
    groups_mixed: solved.filter((c, g) => c > 0 && c < sizes[g]).length / Math.max(1, sizes.length),
    // A Monte Carlo estimate of the policy's entropy: -log p of the sampled tokens, averaged.
    entropy: -mean(tokens),
    // Over the samples fed to the update (all of them unless uniform groups were dropped).
    kl_k1: ref ? mean(fed.flatMap((x, i) => x.logprobs.map((lp, j) => lp - ref[i][j]))) : 0,
    response_length: mean(samples.map((x) => x.response.length)),
    truncated: mean(samples.map((x) => (x.truncated ? 1 : 0))),
    loss: upd.loss,
    grad_norm: upd.gradNorm,
    lr: upd.lr,
    clip_frac: upd.clipFrac,
    first_ratio: upd.firstRatio,
    ...(upd.valueLoss !== undefined ? { value_loss: upd.valueLoss } : {}),
    ...(upd.klLoss !== undefined ? { kl_k3: upd.klLoss } : {}),
    skipped_updates: upd.skipped,
    sample_tokens_per_s: (timing.tokens / timing.samplingMs) * 1000,
    train_tokens_per_s: upd.trainMs > 0 ? (upd.trainTokens / upd.trainMs) * 1000 : 0,
    time_sampling_s: timing.samplingMs / 1000,
    time_rewards_s: (timing.envMs + out.ms.rewards) / 1000,
    time_scoring_s: out.ms.reference / 1000,
    time_training_s: upd.trainMs / 1000,
    time_step_s: out.ms.total / 1000,
    lr_schedule: lrAt(step, s.schedule),
    // The options' effects, logged only when they are on: the share of groups left out and the
    // samples the update was fed (0: no update this step); items the filter skipped.
    ...(s.cfg.dropUniformGroups ? { groups_dropped: out.groupsDropped, samples_fed: fed.length } : {}),
    ...(s.cfg.difficultyFilter ? { filter_skipped: out.filterSkipped } : {}),
  };
}
