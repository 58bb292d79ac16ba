/**
 * Room topology by a random walk, gym-sokoban's idea: a walker crosses the room, turning now and
 * then, and stamps a small floor pattern around itself at every step; the border stays wall.
 * The floor it leaves is one connected region, since every stamp covers the walker's cell and the
 * walker moves one cell at a time.
 */
import type { Rng } from '../core/rng.js';
import { FLOOR, WALL } from './types.js';

/** Chance that the walker picks a new direction before a step. */
const TURN_PROBABILITY = 0.35;

/** Floor patterns stamped centred on the walker (3x3, row by row). */
const STAMPS: readonly (readonly number[])[] = [
  [0, 0, 0, 1, 1, 1, 0, 0, 0], // horizontal bar
  [0, 1, 0, 0, 1, 0, 0, 1, 0], // vertical bar
  [0, 0, 0, 0, 1, 1, 0, 1, 0], // corner, down and right
  [0, 1, 0, 1, 1, 0, 0, 0, 0], // corner, up and left
  [0, 0, 0, 0, 1, 1, 0, 1, 1], // 2x2 block
];

const STEPS: readonly (readonly [number, number])[] = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];

/** A `rows` x `cols` room of walls and floor (no targets yet). */
export function randomWalkRoom(rng: Rng, rows: number, cols: number): number[][] {
  const grid = Array.from({ length: rows }, () => new Array<number>(cols).fill(WALL));
  const walkSteps = Math.round(1.7 * (rows + cols));
  // The walker stays off the border so that its stamps reach at most the border, which is reset.
  let r = rng.range(1, rows - 2);
  let c = rng.range(1, cols - 2);
  let [dr, dc] = rng.pick(STEPS);
  for (let s = 0; s < walkSteps; s++) {
    if (rng.next() < TURN_PROBABILITY) [dr, dc] = rng.pick(STEPS);
    r = Math.min(Math.max(r + dr, 1), rows - 2);
    c = Math.min(Math.max(c + dc, 1), cols - 2);
    const stamp = rng.pick(STAMPS);
    for (let i = 0; i < 9; i++) {
      if (stamp[i] === 1) grid[r - 1 + Math.floor(i / 3)][c - 1 + (i % 3)] = FLOOR;
    }
  }
  for (let i = 0; i < rows; i++) grid[i][0] = grid[i][cols - 1] = WALL;
  for (let j = 0; j < cols; j++) grid[0][j] = grid[rows - 1][j] = WALL;
  return grid;
}

/** A room whose whole interior is floor: the deterministic fallback when walks keep failing. */
export function openRoom(rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => (r === 0 || c === 0 || r === rows - 1 || c === cols - 1 ? WALL : FLOOR)),
  );
}
