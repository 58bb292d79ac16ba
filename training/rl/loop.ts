// One RL stage (FRE or MGT) as one visible loop: rollout, rewards, advantages, loss and step, log,
// evaluate, checkpoint. Every step's items and sampling seed are functions of (seed, stage, step),
// so a resumed stage replays exactly what an uninterrupted one would have done.
import { existsSync } from 'node:fs';
import { loadModel, saveModel, type TinyLMM } from '../../agent/index.js';
import { preprocessBatch } from '../../agent/model/image.js';
import type { NamedTensor } from '../../agent/model/safetensors.js';
import { lrAt, type Schedule } from '../optim/index.js';
import type { ResumePoint, Run, StageName } from '../run.js';
import { trainingItem } from '../run.js';
import { isEpisodeSource, type PromptItem, type RlSource } from '../tasks/types.js';
import { GraphTrainer } from '../tinylmm/graph-trainer.js';
import { StageClock } from '../budget.js';
import { passAtK } from '../eval/stats.js';
import type { Estimator } from './advantages.js';
import { buildRlTrainGraph, lossKey, type LossConfig } from './loss.js';
import { rolloutGroups, type Sample, type SamplingConfig } from './rollout.js';
import { groupSizesOf, policyUpdate, tokenAdvantages } from './update.js';

export interface RlStageConfig {
  stage: Extract<StageName, 'fre' | 'mgt'>;
  /** Item sources, cycled one per step (a step's batch is all text or all frames). */
  tasks: string[];
  /** Steps; with `minutes`, the most steps the stage may take. */
  steps: number;
  /** A wall-clock budget in minutes instead of a number of steps (null: steps). */
  minutes: number | null;
  promptsPerStep: number;
  samplesPerPrompt: number;
  /** Starts a step of an episode task plays (x samplesPerPrompt episodes, one sample a turn). */
  startsPerStep: number;
  sampling: SamplingConfig;
  estimator: Estimator;
  /** k1 KL to the stage's starting weights in the per-token reward (LMM-R1: 0.001). */
  klReward: number;
  loss: LossConfig;
  epochs: number;
  miniBatches: number;
  gamma: number;
  lambda: number;
  lr: number;
  /** Warm-up steps (LMM-R1: 3% of the run). */
  warmup: number;
  /** PPO's ratio clip range. */
  clip: number;
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

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : 0;
}

/** Runs (or continues, from `start.step`) one RL stage on `run.model`; returns the steps done. */
export async function runRlStage(
  run: Run,
  cfg: RlStageConfig,
  sources: readonly RlSource[],
  resume: { step: number; spentS?: number; state?: ReadonlyMap<string, NamedTensor> } = { step: 0 },
  onStep?: (log: StepLog) => void,
): Promise<ResumePoint> {
  const model = run.model;
  const clock = new StageClock(cfg, (resume.spentS ?? 0) * 1000);
  if (cfg.estimator === 'ppo' && !model.config.valueHead) throw new Error('--estimator ppo needs a model with a value head');
  const loss: LossConfig = { ...cfg.loss, clip: cfg.clip, valueCoef: cfg.estimator === 'ppo' ? cfg.loss.valueCoef || 0.5 : 0 };
  const schedule: Schedule = { lr: cfg.lr, warmup: cfg.warmup, kind: 'constant' };
  const trainer = new GraphTrainer(model, lossKey(loss), (vision) => buildRlTrainGraph(model.config, loss, vision), { schedule, betas: [0.9, 0.95], weightDecay: 0, clip: 1 });
  if (resume.state) trainer.loadState(resume.state);
  // The frozen reference: this stage's starting weights (saved with the stage before it).
  const needRef = cfg.klReward > 0 || loss.klLoss > 0;
  const ref = needRef ? await referenceModel(run, cfg.stage, resume.step === 0) : null;
  const span = clock.bar(resume.step);
  const bar = run.bar(cfg.stage, span.total, { unit: span.unit, start: span.value });
  let step = resume.step;
  try {
    for (; !clock.done(step) && !run.interrupted; step++) {
      const t0 = performance.now();
      // --- 1. rollout: P prompts of this step's task, n samples each, on today's weights ---
      const si = step % sources.length;
      const source = sources[si];
      // (an episode task plays startsPerStep starts x samplesPerPrompt episodes, one sample a turn)
      const { samples, timing } = isEpisodeSource(source)
        ? await source.rollout(model, cfg.startsPerStep, cfg.samplesPerPrompt, cfg.sampling, cfg.seed, step)
        : await rolloutGroups(
            model,
            Array.from({ length: cfg.promptsPerStep }, (_, j): PromptItem => trainingItem((s, i) => source.item(s, i), cfg.seed, step * cfg.promptsPerStep + j, run.heldOut)),
            cfg.samplesPerPrompt,
            cfg.sampling,
            `${cfg.seed}/${cfg.stage}/${step}`,
          );

      // --- 2. rewards: scored in the rollout by each item's rule-based reward ---
      // --- 3. advantages: the estimator over groups, k1 KL to the reference in the token reward ---
      const t1 = performance.now();
      const scoreInput = { promptIds: samples.map((s) => s.promptIds), responseIds: samples.map((s) => s.response), pixelValues: pixelsOf(model, samples) };
      const refLogprobs = ref ? (await ref.scoreResponses(scoreInput)).logprobs : undefined;
      const values = cfg.estimator === 'ppo' ? (await model.scoreResponses({ ...scoreInput, values: true })).values : undefined;
      const adv = tokenAdvantages(samples, { estimator: cfg.estimator, klReward: cfg.klReward, gamma: cfg.gamma, lambda: cfg.lambda }, refLogprobs, values);
      const t2 = performance.now();

      // --- 4. loss and step: PPO-clip passes over mini-batches (one pass: plain policy gradient) ---
      const upd = await policyUpdate(trainer, model, samples, adv, { epochs: cfg.epochs, miniBatches: cfg.miniBatches, loss, seqMultiple: 32 }, { refLogprobs, values });

      // --- 5. log ---
      const log = stepLog(cfg, step, source.task, samples, refLogprobs);
      Object.assign(log, {
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
        time_rewards_s: timing.rewardMs / 1000,
        time_scoring_s: (t2 - t1) / 1000,
        time_training_s: upd.trainMs / 1000,
        time_step_s: (performance.now() - t0) / 1000,
        lr_schedule: lrAt(step, schedule),
      });
      run.log(log);
      onStep?.(log);
      if (cfg.sampleEvery > 0 && step % cfg.sampleEvery === 0) {
        run.logSamples(cfg.stage, { step, samples: samples.slice(0, 4).map((s) => ({ task: s.item.task, prompt: s.item.key, text: s.text, reward: s.scored.reward, success: s.scored.success })) });
      }
      bar.update(clock.bar(step + 1).value, `${source.task} reward ${log.reward.toFixed(2)} success ${(100 * log.success).toFixed(0)}%`);

      // --- 6. checkpoint: the resume point every few steps (evaluation is the CLI's, per stage) ---
      if ((step + 1) % 10 === 0) run.saveResume({ stage: cfg.stage, step: step + 1, spentS: clock.spentMs() / 1000 }, trainer);
    }
  } finally {
    bar.stop();
    await ref?.dispose();
  }
  run.saveResume({ stage: cfg.stage, step, spentS: clock.spentMs() / 1000 }, trainer);
  return { stage: cfg.stage, step, spentS: clock.spentMs() / 1000 };
}

/** Pixel values of the samples' frames, when any has one. */
function pixelsOf(model: TinyLMM, samples: readonly Sample[]): Float32Array | undefined {
  if (!samples.some((s) => s.image)) return undefined;
  return preprocessBatch(samples.map((s) => s.image), model.config.vision!.imageSize);
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

function stepLog(cfg: RlStageConfig, step: number, task: string, samples: readonly Sample[], ref?: readonly (readonly number[])[]): StepLog {
  const n = cfg.samplesPerPrompt;
  const succ = samples.map((s) => (s.scored.success ? 1 : 0));
  // Per group of the samples (an episode task's groups differ in size: episodes end early).
  const sizes = groupSizesOf(samples);
  const starts = sizes.map((_, g) => sizes.slice(0, g).reduce((a, x) => a + x, 0));
  const per = sizes.map((size, g) => succ.slice(starts[g], starts[g] + size).reduce((a: number, x) => a + x, 0));
  const parts: Record<string, number> = {};
  for (const s of samples) for (const [k, v] of Object.entries(s.scored.parts)) parts[`reward_${k}`] = (parts[`reward_${k}`] ?? 0) + v / samples.length;
  const tokens = samples.flatMap((s) => s.logprobs);
  const kl = ref ? mean(samples.flatMap((s, i) => s.logprobs.map((lp, j) => lp - ref[i][j]))) : 0;
  return {
    stage: cfg.stage,
    step,
    task,
    reward: mean(samples.map((s) => s.scored.reward)),
    success: mean(succ),
    ...parts,
    [`pass@${n}`]: mean(per.map((c, g) => passAtK(sizes[g], c, sizes[g]))),
    groups_mixed: per.filter((c, g) => c > 0 && c < sizes[g]).length / Math.max(1, sizes.length),
    // A Monte Carlo estimate of the policy's entropy: -log p of the sampled tokens, averaged.
    entropy: -mean(tokens),
    kl_k1: kl,
    response_length: mean(samples.map((s) => s.response.length)),
    truncated: mean(samples.map((s) => (s.truncated ? 1 : 0))),
  };
}
