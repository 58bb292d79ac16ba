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
import { existsSync } from 'node:fs';
import { loadModel, responseLogprobs, saveModel, type TinyLMM } from '../../agent/model/index.js';
import type { RewardResult } from '../../envs/rewards/index.js';
import { lrAt, type Schedule } from '../optim/index.js';
import { StageClock, type Run, type StageName, type StageStart, type ResumePoint } from '../run.js';
import type { Rollout, Sample, SamplingConfig, Task } from '../tasks/index.js';
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
}

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
}

/** What a step did: its samples and rewards, the update's statistics, the phases' times. */
export interface StepOutcome {
  task: Task;
  rollout: Rollout;
  rewards: RewardResult[];
  refLogprobs?: number[][];
  update: UpdateStats;
  ms: { rewards: number; reference: number; total: number };
}

/** Runs (or continues, from `start.step`) one RL stage on `run.model`; returns where it stopped. */
export async function runRlStage(run: Run, cfg: RlStageConfig, tasks: readonly Task[], start: StageStart = { step: 0 }, onStep?: (log: StepLog) => void): Promise<ResumePoint> {
  const clock = new StageClock(cfg, (start.spentS ?? 0) * 1000);
  const s = await rlState(run.model, cfg, run.heldOut, () => referenceModel(run, cfg.stage, start.step === 0));
  if (start.state) s.trainer.loadState(start.state);
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
      if ((step + 1) % 10 === 0) run.saveResume({ stage: cfg.stage, step: step + 1, spentS: clock.spentMs() / 1000 }, s.trainer);
    }
  } finally {
    bar.stop();
    await s.ref?.dispose();
  }
  run.saveResume({ stage: cfg.stage, step, spentS: clock.spentMs() / 1000 }, s.trainer);
  return { stage: cfg.stage, step, spentS: clock.spentMs() / 1000 };
}

/** The trainer, the loss and the reference of a stage on `model`. */
export async function rlState(model: TinyLMM, cfg: RlStageConfig, heldOut: ReadonlySet<string>, reference: () => Promise<TinyLMM>): Promise<RlState> {
  if (cfg.estimator === 'ppo' && !model.config.valueHead) throw new Error('--estimator ppo needs a model with a value head');
  const loss: LossConfig = { ...cfg.loss, valueCoef: cfg.estimator === 'ppo' ? cfg.loss.valueCoef : 0 };
  const schedule: Schedule = { lr: cfg.lr, warmup: cfg.warmup, kind: 'constant' };
  const trainer = new GraphTrainer(model, lossKey(loss), (vision) => buildRlTrainGraph(model.config, loss, vision), { schedule, betas: cfg.betas, weightDecay: cfg.weightDecay, clip: cfg.gradClip });
  const ref = cfg.klReward > 0 || loss.klLoss > 0 ? await reference() : null;
  return { model, trainer, ref, cfg, loss, schedule, heldOut };
}

/** One step of the stage on `task`: phases 1 to 5. */
export async function rlStep(s: RlState, task: Task, step: number): Promise<StepOutcome> {
  const { model, cfg } = s;
  const t0 = performance.now();

  // --- 1. rollout: the step's groups, n samples each, on today's weights ---
  const rollout = await task.rollout(model, {
    groups: task.kind === 'episodes' ? cfg.startsPerStep : cfg.promptsPerStep,
    n: cfg.samplesPerPrompt,
    sampling: cfg.sampling,
    seed: cfg.seed,
    stage: cfg.stage,
    slot: step,
    heldOut: s.heldOut,
  });
  const samples = rollout.samples;

  // --- 2. rewards: each sample's rule-based reward (an episode turn's: format + the env's reward to go) ---
  const t1 = performance.now();
  const rewards = samples.map((x) => task.reward(x));

  // --- 3. reference and values: log-probs of the same tokens under the frozen reference; PPO's values ---
  const t2 = performance.now();
  const input = { promptIds: samples.map((x) => x.promptIds), responseIds: samples.map((x) => x.response), pixelValues: samplePixels(samples) };
  const refLogprobs = s.ref ? (await responseLogprobs(s.ref, input)).logprobs : undefined;
  const values = cfg.estimator === 'ppo' ? (await responseLogprobs(model, { ...input, values: true })).values : undefined;

  // --- 4. advantages ---
  const adv = tokenAdvantages(
    { rewards: rewards.map((r) => r.total), groups: groupSizesOf(samples), logprobs: samples.map((x) => x.logprobs), refLogprobs, values },
    { estimator: cfg.estimator, klReward: cfg.klReward, gamma: cfg.gamma, lambda: cfg.lambda },
  );
  const t3 = performance.now();

  // --- 5. update: the parameters change in place ---
  const update = await policyUpdate(s, samples, adv, { refLogprobs, values });
  return { task, rollout, rewards, refLogprobs, update, ms: { rewards: t2 - t1, reference: t3 - t2, total: performance.now() - t0 } };
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
  const { rewards, refLogprobs: ref, update: upd } = out;
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
    kl_k1: ref ? mean(samples.flatMap((x, i) => x.logprobs.map((lp, j) => lp - ref[i][j]))) : 0,
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
    train_tokens_per_s: (upd.trainTokens / upd.trainMs) * 1000,
    time_sampling_s: timing.samplingMs / 1000,
    time_rewards_s: (timing.envMs + out.ms.rewards) / 1000,
    time_scoring_s: out.ms.reference / 1000,
    time_training_s: upd.trainMs / 1000,
    time_step_s: out.ms.total / 1000,
    lr_schedule: lrAt(step, s.schedule),
  };
}
