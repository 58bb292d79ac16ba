/**
 * Playing a list of moves through on a level, as an episode would: the rewards verifier of
 * training (`sokobanReward`), the text-Sokoban puzzle and the score all read rewards from here.
 */
import { aliasOf } from '../core/answer.js';
import { isSolved, moveSokoban } from './rules.js';
import { SOKOBAN_ALIASES, SOKOBAN_ACTIONS, type SokobanLevel } from './types.js';

/** A move as an index (0-4) or a name/alias in any case ("Up", "left", "r"). */
export type SokobanMove = number | string;

export interface Simulation<L extends SokobanLevel> {
  /** Reward of each executed move. */
  rewards: number[];
  /** Cumulative reward after each executed move (summed in order, as an episode sums it). */
  returns: number[];
  /** Best cumulative reward over prefixes, the empty prefix (0) included. */
  bestReturn: number;
  /** Cumulative reward after the last executed move (0 when none ran). */
  finalReturn: number;
  /** Whether each executed move moved the player. */
  effective: boolean[];
  /** Moves executed: all of them, or up to and including the one that solved the level. */
  steps: number;
  state: L;
  solved: boolean;
}

/** The index of a move; throws a RangeError naming the move when it is none of the actions. */
export function sokobanMoveIndex(move: SokobanMove): number {
  if (typeof move === 'number') {
    if (Number.isInteger(move) && move >= 0 && move < SOKOBAN_ACTIONS.length) return move;
  } else {
    const key = move.trim().toLowerCase();
    const name = (SOKOBAN_ACTIONS as readonly string[]).includes(key) ? key : aliasOf(SOKOBAN_ALIASES, key);
    if (name !== undefined) return SOKOBAN_ACTIONS.indexOf(name as (typeof SOKOBAN_ACTIONS)[number]);
  }
  throw new RangeError(`not a Sokoban move: ${JSON.stringify(move)}`);
}

/** Runs `moves` from `level`, stopping once solved (the episode terminates there). Pure. */
export function simulateSokoban<L extends SokobanLevel>(level: L, moves: readonly SokobanMove[]): Simulation<L> {
  const rewards: number[] = [];
  const returns: number[] = [];
  const effective: boolean[] = [];
  let state = level;
  let total = 0;
  let best = 0;
  // A level solved from the start has nothing left to play.
  let solved = isSolved(level);
  for (const move of solved ? [] : moves) {
    const r = moveSokoban(state, sokobanMoveIndex(move));
    state = r.state;
    total += r.reward;
    best = Math.max(best, total);
    rewards.push(r.reward);
    returns.push(total);
    effective.push(r.effective);
    if (r.solved) {
      solved = true;
      break;
    }
  }
  return { rewards, returns, bestReturn: best, finalReturn: total, effective, steps: rewards.length, state, solved };
}
