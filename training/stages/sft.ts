// Stage 1, the base (the stand-in for the instruct model LMM-R1 starts from): next-token training on
// solver-written traces, for hours (resumable at any step, its resume point committed as it goes:
// assets/base-run/). The mix: plans from text, frames written back as text and plans from frames
// that read the board first, and the text puzzles FRE trains on.
import { IM_END, type TinyLMM } from '../../agent/model/index.js';
import { evaluate, type EvalOptions, type EvalTask } from '../eval/evaluate.js';
import { StageClock, type ResumePoint, type Run, type StageStart } from '../run.js';
import { itemTaskNamed, task as taskNamed, trainingItem, type ItemTask, type PromptItem } from '../tasks/index.js';
import { SftTrainer, type SftBatch } from './sft-trainer.js';

export interface SftStageConfig {
  /** Task name -> share of each batch. */
  mix: Record<string, number>;
  /** Steps; with `minutes`, the most steps the stage may take. */
  steps: number;
  /** A wall-clock budget in minutes instead of a number of steps (null: steps). */
  minutes: number | null;
  batchSize: number;
  lr: number;
  warmup: number;
  seed: number;
  /** A resume point every this many steps (and at the end); default 50. */
  saveEvery?: number;
  /** A small held-out evaluation every this many steps and at the end (0 or absent: none). */
  evalEvery?: number;
  /**
   * Later phases of the run, each a mix and batch size from its step on (`mix` and `batchSize`
   * above are the first phase's). A long run can change what it trains on without breaking what it
   * was: the steps before a phase are the same bytes, and each task's items go on where its earlier
   * phases left them, so no item is drawn twice.
   */
  phases?: SftPhase[];
}

/** A mix and batch size from step `from` on. */
export interface SftPhase {
  from: number;
  mix: Record<string, number>;
  batchSize: number;
}

/** Held-out items per task of the learning curve: enough to see a trend, cheap enough to repeat. */
export const CURVE_ITEMS = 32;

/**
 * The learning curve's tasks: the run's item tasks, each cut to its first CURVE_ITEMS held-out
 * items (a subset of what the final evaluation grades, so training never sees them either).
 * Episode tasks are left out: an episode costs many generations, and the final evaluation has them.
 */
export function curveTasks(tasks: readonly EvalTask[]): EvalTask[] {
  return tasks.filter((t) => taskNamed(t.task).kind !== 'episodes').map((t) => ({ ...t, count: Math.min(t.count, CURVE_ITEMS) }));
}

/** What runSft needs to draw its learning curve (none when absent). */
export interface SftCurve {
  tasks: readonly EvalTask[];
  options: Pick<EvalOptions, 'batchSize' | 'maxNewTokens'>;
}

export const DEFAULT_SFT_MIX: Readonly<Record<string, number>> = Object.freeze({
  // Plans from text, one box on 6x6 and 7x7, a little of two boxes (what "Agents that play" builds on).
  'sokoban-text-6x6-1': 0.2,
  'sokoban-text-7x7-1': 0.1,
  'sokoban-text-7x7-2': 0.05,
  // Frames: written back as text (the perception the plans need, supervised cell by cell), and plans
  // that read the board first, then plan as from text.
  'sokoban-transcribe-6x6-1': 0.08,
  'sokoban-transcribe-7x7-1': 0.04,
  'sokoban-image-6x6-1-read': 0.12,
  'sokoban-image-7x7-1-read': 0.05,
  // The text puzzles FRE trains on, in the traces a small model can execute.
  'countdown-d1': 0.14,
  'arithmetic-d2': 0.14,
  'football-act-empty-goal': 0.08,
});

/** The sources of a mix and, per batch slot, which source fills it (a fixed, interleaved cycle). */
export function mixSlots(mix: Record<string, number>, batchSize: number): { sources: ItemTask[]; slots: number[] } {
  const names = Object.keys(mix);
  if (names.length === 0) throw new Error('the SFT mix is empty');
  const total = names.reduce((a, n) => a + mix[n], 0);
  if (!(total > 0)) throw new Error('the SFT mix weights must add up to more than 0');
  const sources = names.map((n) => itemTaskNamed(n, 'the warm start'));
  // Largest-remainder apportionment of the batch, so every step sees the same shares.
  const exact = names.map((n) => (mix[n] / total) * batchSize);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; counts.reduce((a, c) => a + c, 0) < batchSize; k++) counts[order[k % order.length][1]]++;
  const slots = counts.flatMap((c, i) => new Array<number>(c).fill(i));
  return { sources, slots };
}

/** One phase of a run as drawn: its sources and slots, each source's rows a step and the item number it starts from. */
export interface SftPhasePlan extends SftPhase, ReturnType<typeof mixSlots> {
  perStep: number[];
  offsets: number[];
}

/**
 * The phases of a run as drawn. Within a phase, task t's k-th row of step s is its item number
 * offset + (s - from) * rows + k, where offset counts t's rows in the phases before (so a task kept
 * from one phase to the next never draws an item twice, and its items are numbered 0, 1, 2, ...
 * over the whole run).
 */
export function sftPlan(mix: Record<string, number>, batchSize: number, later: readonly SftPhase[] = []): SftPhasePlan[] {
  const phases = [{ from: 0, mix, batchSize }, ...later].map((p) => ({ ...p, ...mixSlots(p.mix, p.batchSize) }));
  const drawn = new Map<string, number>();
  return phases.map((p, i) => {
    const perStep = p.sources.map((_, si) => p.slots.filter((x) => x === si).length);
    const offsets = p.sources.map((src) => drawn.get(src.name) ?? 0);
    const steps = i + 1 < phases.length ? phases[i + 1].from - p.from : 0;
    p.sources.forEach((src, si) => drawn.set(src.name, offsets[si] + steps * perStep[si]));
    return { ...p, perStep, offsets };
  });
}

/** Step s's items, as a pure function of (seed, s) (`sftPlan`): slot j of a step always holds the same item, so a resumed run replays the same batches. */
export function sftItems(mix: Record<string, number>, batchSize: number, seed: number, heldOut: ReadonlySet<string>, later: readonly SftPhase[] = []): (step: number) => PromptItem[] {
  const plan = sftPlan(mix, batchSize, later);
  return (step) => {
    const p = plan.filter((x) => x.from <= step).pop()!;
    const seen = new Array<number>(p.sources.length).fill(0);
    return p.slots.map((si) => trainingItem((s, i) => p.sources[si].item(s, i), seed, p.offsets[si] + (step - p.from) * p.perStep[si] + seen[si]++, heldOut));
  };
}

/** Rows of prompt + trace + <|im_end|>, trained on the trace and the end token. */
export function sftBatchOf(model: TinyLMM, items: readonly Pick<PromptItem, 'prompt' | 'trace'>[]): SftBatch {
  const prepared = model.prepare(items.map((it) => it.prompt));
  const inputIds: number[][] = [];
  const lossMask: number[][] = [];
  items.forEach((it, i) => {
    const response = [...model.tokenizer.encode(it.trace), IM_END];
    const prompt = prepared.inputIds[i];
    inputIds.push([...prompt, ...response]);
    lossMask.push([...prompt.map(() => 0), ...response.map(() => 1)]);
  });
  return { inputIds, lossMask, pixelValues: prepared.pixelValues };
}

/** Step s's batch: `sftItems`' items made into rows (`sftBatchOf`). */
export function sftBatches(model: TinyLMM, mix: Record<string, number>, batchSize: number, seed: number, heldOut: ReadonlySet<string>, later: readonly SftPhase[] = []): (step: number) => SftBatch {
  const items = sftItems(mix, batchSize, seed, heldOut, later);
  return (step) => sftBatchOf(model, items(step));
}

export async function runSft(run: Run, cfg: SftStageConfig, resume: StageStart = { step: 0 }, curve?: SftCurve): Promise<ResumePoint> {
  const model = run.model;
  const saveEvery = cfg.saveEvery ?? 50;
  const evalEvery = curve && curve.tasks.length > 0 ? (cfg.evalEvery ?? 0) : 0;
  const clock = new StageClock(cfg, (resume.spentS ?? 0) * 1000);
  // Cosine over the budget's progress: by steps, or by the time spent for a minutes budget.
  const schedule = { lr: cfg.lr, warmup: cfg.warmup, kind: 'cosine' as const, total: cfg.steps, minLr: cfg.lr * 0.1, ...(cfg.minutes !== null ? { progress: (s: number) => clock.progress(s) } : {}) };
  const trainer = new SftTrainer(model, { schedule, betas: [0.9, 0.95], weightDecay: 0.01 });
  if (resume.state) trainer.optimizer.loadState(resume.state);
  const batches = sftBatches(model, cfg.mix, cfg.batchSize, cfg.seed, run.heldOut, cfg.phases);
  const span = clock.bar(resume.step);
  const bar = run.bar('sft', span.total, { unit: span.unit, start: span.value });
  // Greedy decoding draws no random numbers and the batches are a function of (seed, step), so the
  // curve leaves the weights as they would be without it. Its time is kept off the stage's clock:
  // a minutes budget buys training steps, not evaluations.
  const curvePoint = async (done: number): Promise<void> => {
    const t0 = performance.now();
    const results = await evaluate(model, curve!.tasks, { ...curve!.options, samples: 0, k: 0 });
    run.log({ stage: 'sft', step: done, eval: Object.fromEntries(results.map((r) => [r.task, r.success.mean])) });
    clock.exclude(performance.now() - t0);
  };
  const save = (done: number) => run.saveResume({ stage: 'sft', step: done, spentS: clock.spentMs() / 1000 }, trainer.optimizer);
  let step = resume.step;
  let ema = Number.NaN;
  try {
    for (; !clock.done(step) && !run.interrupted; step++) {
      const t0 = performance.now();
      const { inputIds, lossMask, pixelValues } = batches(step);
      const r = await trainer.step({ inputIds, lossMask, pixelValues });
      ema = Number.isNaN(ema) ? r.loss : 0.9 * ema + 0.1 * r.loss;
      const tokens = inputIds.reduce((a, x) => a + x.length, 0);
      const ms = performance.now() - t0;
      run.log({ stage: 'sft', step, loss: r.loss, grad_norm: r.gradNorm, lr: r.lr, skipped: r.skipped ? 1 : 0, train_tokens_per_s: (tokens / ms) * 1000, time_step_s: ms / 1000 });
      bar.update(clock.bar(step + 1).value, `loss ${ema.toFixed(3)}`);
      // The curve's point before the save: a kill between the two resumes from the save before,
      // which redoes the point (the resumed run drops metrics lines past its resume point).
      if (evalEvery > 0 && (step + 1) % evalEvery === 0) await curvePoint(step + 1);
      if ((step + 1) % saveEvery === 0) save(step + 1);
    }
    // The end's point, unless it is already logged: at a multiple of evalEvery, or by the process
    // that saved this resume point at the stage's end (nothing was trained since).
    if (evalEvery > 0 && clock.done(step) && !run.interrupted && step % evalEvery !== 0 && step > resume.step) await curvePoint(step);
  } finally {
    bar.stop();
  }
  save(step);
  return { stage: 'sft', step, spentS: clock.spentMs() / 1000 };
}
