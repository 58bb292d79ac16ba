/**
 * The rules, pure: one move on a level gives a new level and its reward (gym-sokoban semantics).
 *
 * A move walks the player one cell; walking into a box pushes it when the cell beyond is floor or
 * target and holds no box, else nothing moves (gym-sokoban's walk-only moves 5-8 never push). Reward: -0.1 a move (noop included), +1 when the
 * count of boxes on targets goes up, -1 when it goes down, +10 more when every box is on a target.
 */
import { DELTAS, FIRST_WALK_ACTION, SOKOBAN_REWARD, TARGET, WALL, type SokobanCell, type SokobanLevel } from './types.js';

// Module-local copies for the hot path (imported bindings can be property getters under loaders).
const DROW = DELTAS.map((d) => d[0]);
const DCOL = DELTAS.map((d) => d[1]);
const { step: STEP, boxOnTarget: ON, boxOffTarget: OFF, solved: SOLVED } = SOKOBAN_REWARD;
const TARGET_CODE = TARGET;
const WALL_CODE = WALL;

export interface MoveResult<L extends SokobanLevel> {
  /** The new level (the input one when nothing moved). */
  state: L;
  reward: number;
  /** The player moved. */
  effective: boolean;
  /** A box moved. */
  pushed: boolean;
  boxesOnTarget: number;
  solved: boolean;
}

export function boxIndexAt(boxes: readonly SokobanCell[], row: number, col: number): number {
  for (let i = 0; i < boxes.length; i++) if (boxes[i][0] === row && boxes[i][1] === col) return i;
  return -1;
}

export function countBoxesOnTarget(level: SokobanLevel): number {
  let n = 0;
  const { boxes, fixed } = level;
  for (let i = 0; i < boxes.length; i++) if (fixed[boxes[i][0]][boxes[i][1]] === TARGET_CODE) n++;
  return n;
}

export function isSolved(level: SokobanLevel): boolean {
  return countBoxesOnTarget(level) === level.boxes.length;
}

function isOpen(fixed: number[][], row: number, col: number): boolean {
  return row >= 0 && row < fixed.length && col >= 0 && col < fixed[row].length && fixed[row][col] !== WALL_CODE;
}

/**
 * One move (0 noop, 1 up, 2 down, 3 left, 4 right; 5-8 gym-sokoban's walks up, down, left, right
 * that never push); never mutates `level`.
 */
export function moveSokoban<L extends SokobanLevel>(level: L, action: number): MoveResult<L> {
  if (!(action >= 0 && action <= 8) || !Number.isInteger(action)) throw new RangeError(`Sokoban action must be 0-8, got ${action}`);
  const before = countBoxesOnTarget(level);
  const walkOnly = action >= FIRST_WALK_ACTION;
  const dir = walkOnly ? action - 4 : action;
  const dr = DROW[dir];
  const dc = DCOL[dir];
  const pr = level.player[0];
  const pc = level.player[1];
  const tr = pr + dr;
  const tc = pc + dc;
  let state = level;
  let pushed = false;
  let after = before;
  if (dir !== 0 && isOpen(level.fixed, tr, tc)) {
    const box = boxIndexAt(level.boxes, tr, tc);
    if (box < 0) {
      state = { ...level, player: [tr, tc] };
    } else if (!walkOnly) {
      const br = tr + dr;
      const bc = tc + dc;
      if (isOpen(level.fixed, br, bc) && boxIndexAt(level.boxes, br, bc) < 0) {
        const boxes = level.boxes.slice();
        boxes[box] = [br, bc];
        state = { ...level, player: [tr, tc], boxes };
        pushed = true;
        after += (level.fixed[br][bc] === TARGET_CODE ? 1 : 0) - (level.fixed[tr][tc] === TARGET_CODE ? 1 : 0);
      }
    }
  }
  // The same order of additions as gym-sokoban, so floating-point sums match it exactly.
  let reward: number = STEP;
  if (after > before) reward += ON;
  else if (after < before) reward += OFF;
  const solved = after === level.boxes.length;
  if (solved) reward += SOLVED;
  return { state, reward, effective: state !== level, pushed, boxesOnTarget: after, solved };
}
