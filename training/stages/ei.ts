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
// With `rollout: 'closed-loop'`, steps 2 and 3 are instead: the model plays each prompt's level one
// move a turn, greedily, re-planning from the board each move leads to (the online protocol, as the
// TinyLMM agent plays it), and the solver labels the states it reached where its move was not
// optimal (./ei-closed-loop.ts); steps 4 to 6 are the same.
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
import { closedLoopSummary, playClosedLoop, type EpisodeOutcome } from './ei-closed-loop.js';
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
  // The closed-loop keys are optional so that a config written before them (the stage's tests'
  // among them) still types, and reads as the plan rollout.
  /**
   * 'plan' (the default): whole plans sampled open-loop, kept or relabelled at their first mistake;
   * 'closed-loop': one greedy move a turn, relabelled on the states the model visits (samplesPerPrompt unused).
   */
  rollout?: EiRollout;
  /** Closed loop: turns an episode may take (twice the longest optimal 7x7 two-box plan, 20 moves). */
  maxTurns?: number;
  /** Closed loop: items an episode at states where its move was a mistake, the earliest first. */
  itemsPerEpisode?: number;
  /** Closed loop: items an episode at states where its move was optimal, spread along its path. */
  correctPerEpisode?: number;
}

export type EiRollout = 'plan' | 'closed-loop';
export const EI_ROLLOUTS: readonly EiRollout[] = ['plan', 'closed-loop'];

/**
 * The closed-loop keys' defaults. Two items an episode: a round trains stepsPerRound x (batchSize -
 * replayed) = 128 fresh rows by default, so 64 episodes' two each are each seen about once. None
 * at states played right: half of every batch is already replayed from the base's mix, whose plan
 * items are the solver's traces on these same tasks, which is what keeps the rest from drifting.
 */
export const EI_CLOSED_LOOP_DEFAULTS = { maxTurns: 40, itemsPerEpisode: 2, correctPerEpisode: 0 } as const;

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

/** Greedy answers to one turn's prompts of one task, seeded by round, task and turn as sampleRound seeds its own. */
const greedyTurns = (model: TinyLMM, cfg: EiStageConfig, round: number) => (name: string, turn: number, items: readonly PromptItem[]) =>
  answers(model, items, { batchSize: GENERATE_BATCH, maxNewTokens: cfg.maxNewTokens }, true, `${cfg.seed}/ei/${round}/${name}/turn${turn}`);

/** The round's training items, its line's figures and two samples to read: from whole plans, or from closed-loop episodes. */
async function rollout(model: TinyLMM, prompts: readonly RoundPrompt[], cfg: EiStageConfig, round: number) {
  if ((cfg.rollout ?? 'plan') === 'closed-loop') {
    const d = EI_CLOSED_LOOP_DEFAULTS;
    const o = { maxTurns: cfg.maxTurns ?? d.maxTurns, itemsPerEpisode: cfg.itemsPerEpisode ?? d.itemsPerEpisode, correctPerEpisode: cfg.correctPerEpisode ?? d.correctPerEpisode };
    const outcomes = await playClosedLoop(prompts, o, greedyTurns(model, cfg, round));
    const t = performance.now();
    const count = (f: (e: EpisodeOutcome) => boolean) => outcomes.filter(f).length;
    const judged = outcomes.flatMap((e) => e.verdicts);
    return {
      items: outcomes.flatMap((e) => e.items),
      sampledAt: t,
      summary: () => closedLoopSummary(outcomes),
      samples: outcomes.slice(0, 2).map((e) => ({ task: e.task, first_answer: e.firstAnswer, moves: e.moves, end: e.end, trace: e.items[0]?.trace ?? null })),
      progress: `solved ${count((e) => e.end === 'solved')}/${outcomes.length}, first moves right ${judged.filter((v) => v === 'optimal').length}/${judged.length}, relabelled ${outcomes.reduce((a, e) => a + e.picked.filter((s) => s.mistake !== null).length, 0)}`,
    };
  }
  const { greedy, sampled } = await sampleRound(model, prompts, cfg, round);
  const t = performance.now();
  const outcomes = prompts.map((p, i) => teach(p.source, p.draw, greedy[i], sampled[i]));
  const count = (f: (o: (typeof outcomes)[number]) => boolean) => outcomes.filter(f).length;
  return {
    items: outcomes.flatMap((o) => (o.item ? [o.item] : [])),
    sampledAt: t,
    summary: () => roundSummary(outcomes, cfg.samplesPerPrompt),
    samples: outcomes.slice(0, 2).map((o, i) => ({ task: o.task, greedy: greedy[i], from: o.from, trace: o.item?.trace ?? null })),
    progress: `greedy solved ${count((o) => o.greedySuccess)}/${outcomes.length}, kept ${count((o) => o.from === 'success')}, relabelled ${count((o) => o.from === 'dagger')}`,
  };
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

      // --- 2. answers: greedy and sampled, on the weights the last round left (closed loop: the episodes played) ---
      // --- 3. keep: the shortest verified answer if optimal, else the solver's plan from the greedy plan's first mistake
      //            (closed loop: the solver's plans from the states the episodes reached by a mistake) ---
      const r = await rollout(model, prompts, cfg, round);
      const t1 = r.sampledAt;
      const items = makeRng(`${cfg.seed}/ei/${round}/order`).shuffle(r.items);
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

      // --- 5. log --- (closed loop: time_sampling_s is the play, the solver's judging of each move included)
      const summary = r.summary();
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
      run.logSamples('ei', { step: round, samples: r.samples });
      bar.update(round + 1, r.progress);

      // --- 6. checkpoint ---
      save(round + 1);
    }
  } finally {
    bar.stop();
  }
  if (round === start.step) save(round);
  return { stage: 'ei', step: round, spentS: clock.spentMs() / 1000 };
}
