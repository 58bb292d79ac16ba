// DAgger's relabel of a Sokoban plan (Ross, Gordon and Bagnell 2011: the expert labels the states
// the learner's own policy reaches, not only the states of the expert's demonstrations). The model's
// plan is replayed on its level with the solver beside it; the first move that is not optimal (the
// remaining optimal distance does not drop by exactly one, the move does not move the player, or
// the plan ends unsolved) marks the state to teach from: the one the plan reached just before that
// move, labelled with the solver's optimal plan from there. A move into a deadlock is such a move,
// so the state taught from is always the last solvable one of the path. A plan that solves with a
// detour is relabelled at the detour too: the suite scores a plan against the optimal one, and a
// kept detour would teach wandering.
import { DEFAULT_SOKOBAN_REWARD, parseStrictFormat, strictDirections } from '../../envs/rewards/index.js';
import { moveSokoban, solveSokoban, sokobanMoveIndex, type SokobanLevel } from '../../envs/sokoban/index.js';

/** Why the plan left the optimal path: a step away, a move that moved nothing, a push into a deadlock, or it stopped early. */
export type PlanMistake = 'detour' | 'illegal' | 'deadlock' | 'short';

export interface Relabel {
  /** Index of the plan's first mistaken move (the plan's length for `short`). */
  move: number;
  mistake: PlanMistake;
  /** The state the plan reached before that move. */
  state: SokobanLevel;
  /** The solver's optimal plan from `state`. */
  plan: number[];
}

/** An optimal plan from `level`, or null where the solver finds none (a deadlock, or its budget ran out). */
export type OptimalPlan = (level: SokobanLevel) => number[] | null;

export const solverPlan: OptimalPlan = (level) => {
  const r = solveSokoban(level);
  return r.solved ? r.plan : null;
};

/** The moves of an answer as the verifier plays them (its first `maxActions`); none when it refuses the answer. */
export function answerMoves(response: string): number[] {
  const blocks = parseStrictFormat(response);
  const moves = blocks && strictDirections(blocks.answer);
  return moves ? moves.slice(0, DEFAULT_SOKOBAN_REWARD.maxActions).map(sokobanMoveIndex) : [];
}

/**
 * Where `moves` first leave an optimal path on `level`, with the solver's plan from the state
 * before; null when the moves solve the level optimally (moves after the solve are never played),
 * or when the solver finds no plan from the level itself (nothing to teach).
 */
export function daggerRelabel(level: SokobanLevel, moves: readonly number[], optimal: OptimalPlan = solverPlan): Relabel | null {
  let state = level;
  let plan = optimal(level);
  if (plan === null) return null;
  for (let i = 0; i < moves.length; i++) {
    if (plan.length === 0) return null;
    const r = moveSokoban(state, moves[i]);
    if (!r.effective) return { move: i, mistake: 'illegal', state, plan };
    const next = optimal(r.state);
    if (next === null) return { move: i, mistake: 'deadlock', state, plan };
    if (next.length !== plan.length - 1) return { move: i, mistake: 'detour', state, plan };
    state = r.state;
    plan = next;
  }
  return plan.length === 0 ? null : { move: moves.length, mistake: 'short', state, plan };
}
