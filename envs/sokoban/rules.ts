/**
 * The rules, pure: one move on a level gives a new level and its reward (gym-sokoban semantics).
 *
 * A move walks the player one cell; walking into a box pushes it when the cell beyond is floor or
 * target and holds no box, else nothing moves. Reward: -0.1 a move (noop included), +1 when the
 * count of boxes on targets goes up, -1 when it goes down, +10 more when every box is on a target.
 */
import { DELTAS, SOKOBAN_REWARD, TARGET, WALL, type SokobanCell, type SokobanLevel } from './types.js';

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
  for (const [r, c] of level.boxes) if (level.fixed[r][c] === TARGET) n++;
  return n;
}

export function isSolved(level: SokobanLevel): boolean {
  return countBoxesOnTarget(level) === level.boxes.length;
}

function isOpen(fixed: number[][], row: number, col: number): boolean {
  return row >= 0 && row < fixed.length && col >= 0 && col < fixed[row].length && fixed[row][col] !== WALL;
}

/** One move (0 noop, 1 up, 2 down, 3 left, 4 right); never mutates `level`. */
export function moveSokoban<L extends SokobanLevel>(level: L, action: number): MoveResult<L> {
  const before = countBoxesOnTarget(level);
  const delta = DELTAS[action];
  if (delta === undefined) throw new RangeError(`Sokoban action must be 0-4, got ${action}`);
  const [dr, dc] = delta;
  const [pr, pc] = level.player;
  const tr = pr + dr;
  const tc = pc + dc;
  let state = level;
  let pushed = false;
  let after = before;
  if (action !== 0 && isOpen(level.fixed, tr, tc)) {
    const box = boxIndexAt(level.boxes, tr, tc);
    if (box < 0) {
      state = { ...level, player: [tr, tc] };
    } else {
      const br = tr + dr;
      const bc = tc + dc;
      if (isOpen(level.fixed, br, bc) && boxIndexAt(level.boxes, br, bc) < 0) {
        const boxes = level.boxes.slice();
        boxes[box] = [br, bc];
        state = { ...level, player: [tr, tc], boxes };
        pushed = true;
        after += (level.fixed[br][bc] === TARGET ? 1 : 0) - (level.fixed[tr][tc] === TARGET ? 1 : 0);
      }
    }
  }
  // The same order of additions as gym-sokoban, so floating-point sums match it exactly.
  let reward: number = SOKOBAN_REWARD.step;
  if (after > before) reward += SOKOBAN_REWARD.boxOnTarget;
  else if (after < before) reward += SOKOBAN_REWARD.boxOffTarget;
  const solved = after === level.boxes.length;
  if (solved) reward += SOKOBAN_REWARD.solved;
  return { state, reward, effective: state !== level, pushed, boxesOnTarget: after, solved };
}
