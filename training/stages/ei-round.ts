// What one round of expert iteration keeps from a prompt's answers (./ei.ts samples them): the
// shortest answer the verifier accepts (cut where it solves), as a new trace, when it is optimal
// (expert iteration on the model's own verified answers, as STaR and ReST-EM keep them; a longer
// one would teach detours the suite's score counts against); else DAgger's relabel of the greedy
// answer's plan: the solver's optimal plan from the state where that plan first left an optimal
// path (../tasks/sokoban-dagger.ts). And the round's line for metrics.jsonl from what was kept.
import { parseStrictFormat } from '../../envs/rewards/index.js';
import { simulateSokoban, type SokobanLevel } from '../../envs/sokoban/index.js';
import { answerMoves, daggerRelabel, solverPlan, type OptimalPlan, type PlanMistake } from '../tasks/sokoban-dagger.js';
import type { SokobanPlanDraw, SokobanPlanSource } from '../tasks/sokoban-source.js';
import type { PromptItem } from '../tasks/index.js';

export interface KeptAnswer {
  /** The answer up to the move that solves the level (the verifier plays nothing after it). */
  answer: string;
  /** Moves it plays. */
  moves: number;
  /** Its index among the answers given. */
  index: number;
}

/**
 * An answer cut after the move that solves `level`, its <think> as written; null when it does not
 * solve it. Moves after the solve are never played, so nothing checks them: kept in a trace, they
 * would teach whatever the model happened to write there.
 */
export function solvedPrefix(level: SokobanLevel, response: string): { answer: string; moves: number } | null {
  const blocks = parseStrictFormat(response);
  const sim = simulateSokoban(level, answerMoves(response));
  if (!blocks || !sim.solved) return null;
  const moves = blocks.answer.split(',').slice(0, sim.steps).join(',').trim();
  return { answer: `<think>${blocks.think}</think><answer>${moves}</answer>`, moves: sim.steps };
}

/**
 * Among the answers the item's verifier calls a success, the one that solves `level` (the item's
 * start) in the fewest moves (then the shortest text: less to learn that does not change the plan;
 * then the first), cut after its solving move; null when none succeeds.
 */
export function shortestSuccess(item: PromptItem, level: SokobanLevel, answers: readonly string[]): KeptAnswer | null {
  let best: KeptAnswer | null = null;
  for (const [index, answer] of answers.entries()) {
    const cut = item.reward(answer).success ? solvedPrefix(level, answer) : null;
    if (cut === null) continue;
    if (best === null || cut.moves < best.moves || (cut.moves === best.moves && cut.answer.length < best.answer.length)) best = { ...cut, index };
  }
  return best;
}

/** What a round made of one prompt. */
export interface PromptOutcome {
  task: string;
  /** The training item: a kept answer as its trace, or a relabel; null where neither could be made. */
  item: PromptItem | null;
  from: 'success' | 'dagger' | null;
  greedySuccess: boolean;
  /** Whether any of the sampled answers succeeded (pass@k). */
  sampledSuccess: boolean;
  /** The shortest verified answer's moves (kept when optimal), against the optimal plan's from the prompt's start. */
  solved?: { moves: number; optimal: number };
  relabel?: { move: number; mistake: PlanMistake };
}

/**
 * The prompt's training item from its greedy answer and its sampled ones. The greedy answer is a
 * candidate for keeping too (it is verified like the others), so a relabel is made only from a
 * greedy plan that failed or solved with a detour, and only when no answer solved optimally.
 */
export function teach(source: SokobanPlanSource, draw: SokobanPlanDraw, greedy: string, sampled: readonly string[], optimal: OptimalPlan = solverPlan): PromptOutcome {
  const item = draw.item;
  const greedySuccess = item.reward(greedy).success;
  const sampledSuccess = sampled.some((a) => item.reward(a).success);
  const base = { task: source.name, greedySuccess, sampledSuccess };
  const best = shortestSuccess(item, draw.level, [...sampled, greedy]);
  const solved = best ? { solved: { moves: best.moves, optimal: draw.plan.length } } : {};
  if (best && best.moves <= draw.plan.length) return { ...base, ...solved, item: { ...item, trace: best.answer }, from: 'success' };
  const r = daggerRelabel(draw.level, answerMoves(greedy), optimal);
  if (!r) return { ...base, ...solved, item: null, from: null };
  return { ...base, ...solved, item: source.itemAt(draw.key, r.state, r.plan), from: 'dagger', relabel: { move: r.move, mistake: r.mistake } };
}

/** The mean, or null for none (a round that kept nothing has no mean length). */
const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null);

/** The round's figures: pass@1 (greedy) and pass@k on its prompts, overall and by task, and what was kept. */
export function roundSummary(outcomes: readonly PromptOutcome[], k: number): Record<string, unknown> {
  const rates = (os: readonly PromptOutcome[]) => ({ 'pass@1': mean(os.map((o) => (o.greedySuccess ? 1 : 0))), [`pass@${k}`]: mean(os.map((o) => (o.sampledSuccess ? 1 : 0))) });
  const solved = outcomes.flatMap((o) => (o.solved ? [o.solved] : []));
  const relabels = outcomes.flatMap((o) => (o.relabel ? [o.relabel] : []));
  const tasks = [...new Set(outcomes.map((o) => o.task))];
  return {
    prompts: outcomes.length,
    ...rates(outcomes),
    items_success: outcomes.filter((o) => o.from === 'success').length,
    items_dagger: relabels.length,
    items_none: outcomes.filter((o) => o.item === null).length,
    // The shortest verified answers against the optimal plans of the same prompts (equal: every
    // solved prompt solved optimally, and all of them kept).
    solved_moves: mean(solved.map((x) => x.moves)),
    solved_optimal_moves: mean(solved.map((x) => x.optimal)),
    // How far greedy plans went right before their first mistake, and which mistakes they made.
    dagger_from_move: mean(relabels.map((r) => r.move)),
    mistakes: Object.fromEntries((['detour', 'illegal', 'deadlock', 'short'] as const).map((m) => [m, relabels.filter((r) => r.mistake === m).length])),
    by_task: Object.fromEntries(tasks.map((t) => [t, rates(outcomes.filter((o) => o.task === t))])),
  };
}
