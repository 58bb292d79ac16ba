// Stage `ei` (between sft and fre): expert iteration with the Sokoban solver as the teacher on the
// model's own mistakes, for boards where RL has no reward to learn from (text 7x7 with two boxes:
// greedy pass@1 0%, pass@4 about 4% on the base). Not in LMM-R1's recipe; it gives FRE a model that
// sometimes succeeds there. One visible loop of rounds:
//
//   1. prompts      the round's training items, a pure function of (seed, round), held-out levels skipped
//   2. answers      the greedy answer and k sampled at temperature 1 per prompt, on today's weights
//   3. keep         per prompt the shortest verified answer when it is optimal; else DAgger's
//                   relabel of the greedy plan from the state where it went wrong (./ei-round.ts)
//   4. fine-tune    stepsPerRound SFT steps on the round's items, with a share of each batch
//                   replayed from an SFT mix so that the base's other skills are not forgotten
//   5. log          one metrics line a round: pass@1, pass@k, items from successes and relabels
//   6. checkpoint   a resume point after every round
//
// A round is a function of the weights it starts with, (seed, round) and the optimizer's state, so
// a run killed mid-round and resumed redoes that round to the same bytes (a fixed thread count).
// Ctrl-C stops at the end of the round in flight.
import { makeRng } from '../../envs/core/rng.js';
import type { TinyLMM } from '../../agent/model/index.js';
import { answers } from '../eval/evaluate.js';
import { StageClock, type ResumePoint, type Run, type StageStart } from '../run.js';
import { trainingItem, type PromptItem } from '../tasks/index.js';
import { sokobanPlanSource, type SokobanPlanDraw, type SokobanPlanSource } from '../tasks/sokoban-source.js';
import { roundSummary, teach } from './ei-round.js';
import { sftBatchOf, sftItems } from './sft.js';
import { SftTrainer } from './sft-trainer.js';

export interface EiStageConfig {
  rounds: number;
  /** Prompts a round answers, the tasks taking them in turn. */
  promptsPerRound: number;
  /** Answers sampled at temperature 1 per prompt (pass@k's k); the greedy answer comes on top. */
  samplesPerPrompt: number;
  /** SFT steps a round, each of `batchSize` rows. */
  stepsPerRound: number;
  batchSize: number;
  /** A constant learning rate (AdamW, the base's betas and weight decay). */
  lr: number;
  /** Sokoban plan tasks (sokoban-{text,image}-<size>[-last<k>][-read][-pushes]). */
  tasks: string[];
  /** Task name -> share of the replayed rows (the SFT stage's kind of mix). */
  replayMix: Record<string, number>;
  /** The share of each batch drawn from `replayMix`, in [0, 1); the rest is the round's items. */
  replayShare: number;
  seed: number;
  /** The answer budget of sampling: two-box plans need more than the RL stages' 128. */
  maxNewTokens: number;
}

/** Whole two-box levels from text and from frames, and the same levels two pushes from the goal, where successes are still found. */
export const DEFAULT_EI_TASKS: readonly string[] = ['sokoban-text-7x7-2', 'sokoban-image-7x7-2-read', 'sokoban-text-7x7-2-last2', 'sokoban-image-7x7-2-last2-read'];

/** Rows a generate call takes (a fixed chunking: the seeds name the chunk). */
const GENERATE_BATCH = 64;

/** Rows of each batch from the replay mix (the rest are the round's items). */
export const replayRows = (cfg: Pick<EiStageConfig, 'batchSize' | 'replayShare'>): number => Math.round(cfg.batchSize * cfg.replayShare);

/** A task's source, or an error naming it. */
export function eiSource(name: string): SokobanPlanSource {
  const s = sokobanPlanSource(name);
  if (!s) throw new Error(`ei: "${name}" is not a Sokoban plan task (sokoban-{text,image}-<size>[-last<k>][-read][-pushes])`);
  return s;
}

interface RoundPrompt {
  source: SokobanPlanSource;
  draw: SokobanPlanDraw;
}

/**
 * The round's prompts: prompt j comes from tasks[j mod T]; a task named n times in the list takes
 * n turns, and its prompts of round r are its training slots r * c .. r * c + c - 1 (c: its prompts
 * a round), so no slot is drawn twice across rounds.
 */
export function roundPrompts(cfg: Pick<EiStageConfig, 'tasks' | 'promptsPerRound' | 'seed'>, round: number, heldOut: ReadonlySet<string>): RoundPrompt[] {
  const names = Array.from({ length: cfg.promptsPerRound }, (_, j) => cfg.tasks[j % cfg.tasks.length]);
  const perRound = new Map<string, number>();
  for (const n of names) perRound.set(n, (perRound.get(n) ?? 0) + 1);
  const seen = new Map<string, number>();
  const sources = new Map([...perRound.keys()].map((n) => [n, eiSource(n)]));
  return names.map((n) => {
    const source = sources.get(n)!;
    const slot = round * perRound.get(n)! + (seen.get(n) ?? 0);
    seen.set(n, (seen.get(n) ?? 0) + 1);
    return { source, draw: trainingItem((s, i) => source.draw(s, i), cfg.seed, slot, heldOut) };
  });
}

/** Per prompt, its greedy answer and `k` sampled ones; one task at a time (a batch is all text or all frames). */
async function sampleRound(model: TinyLMM, prompts: readonly RoundPrompt[], cfg: EiStageConfig, round: number): Promise<{ greedy: string[]; sampled: string[][] }> {
  const k = cfg.samplesPerPrompt;
  const greedy = new Array<string>(prompts.length);
  const sampled = prompts.map((): string[] => []);
  const o = { batchSize: GENERATE_BATCH, maxNewTokens: cfg.maxNewTokens };
  for (const name of new Set(prompts.map((p) => p.source.name))) {
    const at = prompts.flatMap((p, i) => (p.source.name === name ? [i] : []));
    const items = at.map((i) => prompts[i].draw.item);
    const seed = `${cfg.seed}/ei/${round}/${name}`;
    (await answers(model, items, o, true, `${seed}/greedy`)).forEach((a, j) => (greedy[at[j]] = a));
    const repeated = items.flatMap((it) => Array.from({ length: k }, () => it));
    (await answers(model, repeated, o, false, `${seed}/sampled`)).forEach((a, j) => sampled[at[Math.floor(j / k)]].push(a));
  }
  return { greedy, sampled };
}

export async function runEi(run: Run, cfg: EiStageConfig, start: StageStart = { step: 0 }): Promise<ResumePoint> {
  const model = run.model;
  const clock = new StageClock({ steps: cfg.rounds, minutes: null }, (start.spentS ?? 0) * 1000);
  const trainer = new SftTrainer(model, { schedule: { lr: cfg.lr, kind: 'constant' }, betas: [0.9, 0.95], weightDecay: 0.01 });
  if (start.state) trainer.optimizer.loadState(start.state);
  const replay = replayRows(cfg);
  // Replayed items from a stream of their own (seed + 1): a level of the round's prompts is not
  // also replayed with the solver's trace.
  const replayed = replay > 0 ? sftItems(cfg.replayMix, replay, cfg.seed + 1, run.heldOut) : null;
  const fresh = cfg.batchSize - replay;
  const save = (rounds: number) => run.saveResume({ stage: 'ei', step: rounds, spentS: clock.spentMs() / 1000 }, trainer.optimizer);
  const bar = run.bar('ei', cfg.rounds, { start: start.step });
  let round = start.step;
  try {
    for (; round < cfg.rounds && !run.interrupted; round++) {
      const t0 = performance.now();
      // --- 1. prompts ---
      const prompts = roundPrompts(cfg, round, run.heldOut);

      // --- 2. answers: greedy and sampled, on the weights the last round left ---
      const { greedy, sampled } = await sampleRound(model, prompts, cfg, round);
      const t1 = performance.now();

      // --- 3. keep: the shortest verified answer if optimal, else the solver's plan from the greedy plan's first mistake ---
      const outcomes = prompts.map((p, i) => teach(p.source, p.draw, greedy[i], sampled[i]));
      const items = makeRng(`${cfg.seed}/ei/${round}/order`).shuffle(outcomes.flatMap((o) => (o.item ? [o.item] : [])));
      const t2 = performance.now();

      // --- 4. fine-tune: the round's items in a seeded order, cycled, beside the replayed rows ---
      const losses: number[] = [];
      let skipped = 0;
      for (let s = 0; s < cfg.stepsPerRound; s++) {
        const rows: PromptItem[] = items.length === 0 ? [] : Array.from({ length: fresh }, (_, j) => items[(s * fresh + j) % items.length]);
        if (replayed) rows.push(...replayed(round * cfg.stepsPerRound + s));
        if (rows.length === 0) break; // nothing kept and nothing to replay
        const r = await trainer.step(sftBatchOf(model, rows));
        losses.push(r.loss);
        skipped += r.skipped ? 1 : 0;
      }
      const t3 = performance.now();

      // --- 5. log ---
      const summary = roundSummary(outcomes, cfg.samplesPerPrompt);
      run.log({
        stage: 'ei',
        step: round,
        ...summary,
        loss_first: losses[0] ?? null,
        loss_last: losses[losses.length - 1] ?? null,
        skipped_updates: skipped,
        time_sampling_s: (t1 - t0) / 1000,
        time_relabel_s: (t2 - t1) / 1000,
        time_training_s: (t3 - t2) / 1000,
        time_round_s: (t3 - t0) / 1000,
      });
      // Two prompts' answers and what was made of them, to read beside the figures.
      run.logSamples('ei', { step: round, samples: outcomes.slice(0, 2).map((o, i) => ({ task: o.task, greedy: greedy[i], from: o.from, trace: o.item?.trace ?? null })) });
      const count = (f: (o: (typeof outcomes)[number]) => boolean) => outcomes.filter(f).length;
      bar.update(round + 1, `greedy solved ${count((o) => o.greedySuccess)}/${outcomes.length}, kept ${count((o) => o.from === 'success')}, relabelled ${count((o) => o.from === 'dagger')}`);

      // --- 6. checkpoint ---
      save(round + 1);
    }
  } finally {
    bar.stop();
  }
  if (round === start.step) save(round);
  return { stage: 'ei', step: round, spentS: clock.spentMs() / 1000 };
}
