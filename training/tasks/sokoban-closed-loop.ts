// DAgger on the states a model reaches when it plays Sokoban one move a turn, as the online protocol
// plays it (the env takes the first move of each answer and shows the board it leads to; the model
// re-plans from there). The pure half of the expert iteration stage's closed-loop rollout
// (training/stages/ei-closed-loop.ts plays the model): each move is judged beside the solver as it
// is played (`judgeMove`), and from the judged path a few states are picked to teach from
// (`pickStates`), each to be labelled with the solver's optimal plan from it. Unlike
// ./sokoban-dagger.ts, which replays a whole open-loop plan and teaches from its first mistake only,
// here every state on the path is one the model's own play reached, so any of its mistakes is one
// the model really makes there.
import { parseAnswer, type AnswerProtocol } from '../../envs/core/answer.js';
import { moveSokoban, SOKOBAN_ACTIONS, SOKOBAN_ALIASES, sokobanMoveIndex, type SokobanLevel } from '../../envs/sokoban/index.js';
import type { OptimalPlan, PlanMistake } from './sokoban-dagger.js';

/** How Sokoban-small-v0 reads an online answer: its five actions, one move a turn (max_actions_per_turn 1). */
const ONLINE: AnswerProtocol = { actions: SOKOBAN_ACTIONS, aliases: SOKOBAN_ALIASES, maxActions: 1 };

/**
 * The move the env plays for `answer` under the online protocol, and whether the answer named one:
 * the env's own lenient reading (not the strict format training rewards), so a turn here is the turn
 * the leaderboard plays; an answer that names no move plays the env's idle action, 0, which moves nothing.
 */
export function onlineMove(answer: string): { move: number; read: boolean } {
  const first = parseAnswer(answer, ONLINE).actions[0];
  return first === undefined ? { move: 0, read: false } : { move: sokobanMoveIndex(first), read: true };
}

/** What one turn's move was, beside the solver: optimal, or the kind of mistake ('short' is never one here). */
export type MoveVerdict = 'optimal' | Exclude<PlanMistake, 'short'>;

/** One turn of a closed-loop episode. */
export interface PathStep {
  /** The state the turn was played from. */
  state: SokobanLevel;
  /** The solver's optimal plan from `state` (the trace an item at it gets). */
  plan: number[];
  move: number;
  verdict: MoveVerdict;
}

/** A move judged, and where it leads: `next` the state after it, `nextPlan` the solver's plan from there (null: unsolvable). */
export interface JudgedMove {
  step: PathStep;
  next: SokobanLevel;
  nextPlan: number[] | null;
}

/**
 * `move` played from `state` (whose optimal plan is `plan`, not empty): optimal when it moves
 * something and the optimal distance drops by exactly one; a move into a state the solver finds no
 * plan from is a deadlock, whatever else it did.
 */
export function judgeMove(state: SokobanLevel, plan: number[], move: number, optimal: OptimalPlan): JudgedMove {
  const r = moveSokoban(state, move);
  if (!r.effective) return { step: { state, plan, move, verdict: 'illegal' }, next: state, nextPlan: plan };
  const nextPlan = optimal(r.state);
  const verdict: MoveVerdict = nextPlan === null ? 'deadlock' : nextPlan.length === plan.length - 1 ? 'optimal' : 'detour';
  return { step: { state, plan, move, verdict }, next: r.state, nextPlan };
}

/**
 * How a closed-loop episode ended: solved; a push into a deadlock; back on a state it had been on
 * (greedy decoding answers a prompt as it did before, so the env would replay the same cycle to its
 * turn limit: a move that moves nothing is the shortest such loop); or out of turns.
 */
export type EpisodeEnd = 'solved' | 'deadlock' | 'loop' | 'turns';

/** A state's identity for loops: where the player and the boxes stand (the boxes in any order). */
export function stateKey(level: SokobanLevel): string {
  const boxes = level.boxes.map((b) => `${b[0]},${b[1]}`).sort();
  return `${level.player[0]},${level.player[1]}|${boxes.join('|')}`;
}

/** A closed-loop episode played so far: its judged turns, where it stands, and its end once it has one. */
export interface ClosedLoopPath {
  steps: PathStep[];
  state: SokobanLevel;
  plan: number[];
  end: EpisodeEnd | null;
  /** The states it has stood on (for loops). */
  seen: Set<string>;
}

/** An episode at its start: null where the solver finds no plan from it (nothing to play or teach). */
export function startPath(level: SokobanLevel, optimal: OptimalPlan): ClosedLoopPath | null {
  const plan = optimal(level);
  if (plan === null) return null;
  return { steps: [], state: level, plan, end: plan.length === 0 ? 'solved' : null, seen: new Set([stateKey(level)]) };
}

/** The path after one more turn's move (mutated in place: the model loop keeps one per episode), with its end if that turn ended it. */
export function advancePath(path: ClosedLoopPath, move: number, maxTurns: number, optimal: OptimalPlan): ClosedLoopPath {
  if (path.end !== null) throw new Error('advancePath: the episode has ended');
  const j = judgeMove(path.state, path.plan, move, optimal);
  path.steps.push(j.step);
  if (j.nextPlan === null) {
    path.end = 'deadlock';
    return path;
  }
  path.state = j.next;
  path.plan = j.nextPlan;
  const key = stateKey(j.next);
  path.end = j.nextPlan.length === 0 ? 'solved' : path.seen.has(key) ? 'loop' : path.steps.length >= maxTurns ? 'turns' : null;
  path.seen.add(key);
  return path;
}

/** The judged path of `moves` played one a turn from `level` (what the model loop builds turn by turn), stopping at its end. */
export function walkPath(level: SokobanLevel, moves: readonly number[], maxTurns: number, optimal: OptimalPlan): ClosedLoopPath | null {
  const path = startPath(level, optimal);
  for (const m of moves) {
    if (path === null || path.end !== null) break;
    advancePath(path, m, maxTurns, optimal);
  }
  return path;
}

/** How many states of one episode to teach from. */
export interface PickOptions {
  /** At most this many states where the move was a mistake, the earliest first. */
  mistakes: number;
  /** At most this many states where the move was optimal, spread evenly along the path. */
  correct: number;
}

/** A state picked to teach from: its turn, and the mistake made there (null for a state where the move was right). */
export interface PickedState {
  turn: number;
  state: SokobanLevel;
  plan: number[];
  mistake: MoveVerdict | null;
}

/**
 * The states of a judged path to teach from. Mistakes the earliest first: the first is on the path
 * the model's own play takes from the start, and the states after it are reached only through it
 * (once it is learnt they are visited less), as the open-loop relabel teaches a plan's first mistake.
 * States played right, when asked for, spread along the path rather than its start, which the
 * level's own items already teach. A path solved with optimal moves only gives nothing by default.
 */
export function pickStates(steps: readonly PathStep[], o: PickOptions): PickedState[] {
  const at = (turn: number): PickedState => ({ turn, state: steps[turn].state, plan: steps[turn].plan, mistake: steps[turn].verdict === 'optimal' ? null : steps[turn].verdict });
  const wrong = steps.flatMap((s, t) => (s.verdict === 'optimal' ? [] : [t])).slice(0, o.mistakes);
  const right = steps.flatMap((s, t) => (s.verdict === 'optimal' ? [t] : []));
  const n = Math.min(o.correct, right.length);
  // The middles of n equal parts of the path's right turns.
  const spread = Array.from({ length: n }, (_, i) => right[Math.floor(((i + 0.5) * right.length) / n)]);
  return [...wrong, ...spread].sort((a, b) => a - b).map(at);
}
