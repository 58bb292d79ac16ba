// The closed-loop rollout of expert iteration (`ei.rollout: 'closed-loop'`, ./ei.ts): each round
// prompt's level is played as the online protocol and the TinyLMM agent play it, one move a turn.
// Each turn the prompt is the plan prompt of the state the episode stands on (the task's own item
// builder, so a frame task's prompt is the frame and a `-read` answer writes the board first), the
// env's reading of the answer gives the one move played, and the solver judges it. Then DAgger:
// items at the states the model's own play reached where its move was not optimal, each with the
// solver's optimal plan from there as the trace (../tasks/sokoban-closed-loop.ts picks them).
import type { PromptItem } from '../tasks/index.js';
import { advancePath, onlineMove, pickStates, startPath, type ClosedLoopPath, type EpisodeEnd, type MoveVerdict, type PickedState } from '../tasks/sokoban-closed-loop.js';
import { solverPlan, type OptimalPlan } from '../tasks/sokoban-dagger.js';
import type { SokobanPlanDraw, SokobanPlanSource } from '../tasks/sokoban-source.js';

export interface ClosedLoopOptions {
  maxTurns: number;
  /** Items an episode at states where its move was a mistake, the earliest first. */
  itemsPerEpisode: number;
  /** Items an episode at states where its move was optimal, spread along its path. */
  correctPerEpisode: number;
}

/**
 * Answers to one turn's prompts of one task (a batch is all text or all frames), in order. The
 * stage's is greedy decoding on today's weights; tests give scripted ones.
 */
export type TurnPolicy = (task: string, turn: number, items: readonly PromptItem[]) => Promise<string[]>;

/** What a round made of one prompt's episode. */
export interface EpisodeOutcome {
  task: string;
  /** 'unsolvable': the solver found no plan from the start, so nothing was played. */
  end: EpisodeEnd | 'unsolvable';
  /** Moves played, and the optimal plan's length from the start. */
  turns: number;
  optimal: number;
  /** Each turn's verdict, and the turns whose answer named no move (the env played its idle action). */
  verdicts: MoveVerdict[];
  unread: number;
  moves: number[];
  /** The first turn's answer, to read beside the figures. */
  firstAnswer: string | null;
  picked: PickedState[];
  items: PromptItem[];
}

/**
 * Plays every prompt's episode, one turn at a time for all still running: a turn is one policy
 * call a task over its running episodes. Episodes end solved, on a push into a deadlock, back on a
 * state they had stood on, or at `maxTurns` (../tasks/sokoban-closed-loop.ts, EpisodeEnd).
 */
export async function playClosedLoop(
  prompts: readonly { source: SokobanPlanSource; draw: SokobanPlanDraw }[],
  o: ClosedLoopOptions,
  policy: TurnPolicy,
  optimal: OptimalPlan = solverPlan,
): Promise<EpisodeOutcome[]> {
  const paths: (ClosedLoopPath | null)[] = prompts.map((p) => startPath(p.draw.level, optimal));
  const unread = prompts.map(() => 0);
  const first: (string | null)[] = prompts.map(() => null);
  const names = [...new Set(prompts.map((p) => p.source.name))];
  const running = (i: number) => paths[i] !== null && paths[i].end === null;
  for (let turn = 0; prompts.some((_, i) => running(i)); turn++) {
    for (const name of names) {
      const live = prompts.flatMap((p, i) => (p.source.name === name && running(i) ? [i] : []));
      if (live.length === 0) continue;
      // The prompt the agent would see on this board; the item's trace and reward are not used here.
      const items = live.map((i) => prompts[i].source.itemAt(prompts[i].draw.key, paths[i]!.state, paths[i]!.plan));
      const texts = await policy(name, turn, items);
      live.forEach((i, j) => {
        const m = onlineMove(texts[j]);
        if (!m.read) unread[i]++;
        first[i] ??= texts[j];
        advancePath(paths[i]!, m.move, o.maxTurns, optimal);
      });
    }
  }
  return prompts.map((p, i) => {
    const path = paths[i];
    const base = { task: p.source.name, optimal: p.draw.plan.length, unread: unread[i], firstAnswer: first[i] };
    if (path === null) return { ...base, end: 'unsolvable', turns: 0, verdicts: [], moves: [], picked: [], items: [] };
    const picked = pickStates(path.steps, { mistakes: o.itemsPerEpisode, correct: o.correctPerEpisode });
    return {
      ...base,
      end: path.end ?? 'turns',
      turns: path.steps.length,
      verdicts: path.steps.map((s) => s.verdict),
      moves: path.steps.map((s) => s.move),
      picked,
      // Keyed as the source level, whatever state of it the item starts from: held-out levels stay out.
      items: picked.map((s) => p.source.itemAt(p.draw.key, s.state, s.plan)),
    };
  });
}

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null);

/**
 * The round's figures in closed loop. Beside the plan rollout's fields that keep their meaning
 * (prompts, items_dagger: the relabels made, items_none: episodes that gave no item,
 * dagger_from_move: the mean turn relabelled, mistakes: the relabels by kind, by_task), its own:
 * success within maxTurns, solved episodes' turns against their optimal plans, first-move accuracy
 * (the share of visited states whose move was optimal), how episodes ended. pass@1, pass@k,
 * items_success and solved_moves are absent: no whole plan is sampled, and no answer is kept.
 */
export function closedLoopSummary(outcomes: readonly EpisodeOutcome[]): Record<string, unknown> {
  const solved = outcomes.filter((o) => o.end === 'solved');
  const rates = (os: readonly EpisodeOutcome[]) => {
    const verdicts = os.flatMap((o) => o.verdicts);
    return { closed_loop_success: mean(os.map((o) => (o.end === 'solved' ? 1 : 0))), first_move_accuracy: mean(verdicts.map((v) => (v === 'optimal' ? 1 : 0))) };
  };
  const relabels = outcomes.flatMap((o) => o.picked.filter((s) => s.mistake !== null));
  const turns = outcomes.reduce((a, o) => a + o.turns, 0);
  return {
    rollout: 'closed-loop',
    prompts: outcomes.length,
    ...rates(outcomes),
    closed_loop_turns: mean(solved.map((o) => o.turns)),
    closed_loop_optimal_turns: mean(solved.map((o) => o.optimal)),
    // Solved with every move optimal: nothing to teach there (unless correctPerEpisode asks).
    episodes_optimal: solved.filter((o) => o.turns === o.optimal).length,
    ends: Object.fromEntries((['solved', 'deadlock', 'loop', 'turns', 'unsolvable'] as const).map((e) => [e, outcomes.filter((o) => o.end === e).length])),
    moves_played: turns,
    answers_unread: turns ? outcomes.reduce((a, o) => a + o.unread, 0) / turns : null,
    items_dagger: relabels.length,
    items_correct: outcomes.reduce((a, o) => a + o.picked.length, 0) - relabels.length,
    items_none: outcomes.filter((o) => o.items.length === 0).length,
    dagger_from_move: mean(relabels.map((s) => s.turn)),
    mistakes: Object.fromEntries((['detour', 'illegal', 'deadlock'] as const).map((m) => [m, relabels.filter((s) => s.mistake === m).length])),
    by_task: Object.fromEntries([...new Set(outcomes.map((o) => o.task))].map((t) => [t, rates(outcomes.filter((o) => o.task === t))])),
  };
}
