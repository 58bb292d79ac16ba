/**
 * Level generation: a random-walk room, targets on random floor cells, then reverse play picks the
 * start position (see reverse-play.ts), which also yields the level's optimal plan.
 *
 * It never throws and never loops unbounded: a bounded number of attempts, each seeded by a child
 * seed drawn once from the caller's `Rng` (so the caller's stream advances by the same amount
 * whatever happens), then deterministic fallbacks: the best level found outside the length limits,
 * an open room, and last a hand-built level that is always solvable.
 */
import { makeRng, type Rng } from '../core/rng.js';
import { compileLevel, type LevelGraph } from './graph.js';
import { reversePlay, type ReversePlayResult } from './reverse-play.js';
import { simulateSokoban } from './simulate.js';
import { openRoom, randomWalkRoom } from './topology.js';
import { FLOOR, TARGET, type KnownSolution, type SokobanCell, type SokobanLevel } from './types.js';

export interface GeneratorOptions {
  rows: number;
  cols: number;
  boxes: number;
  /** Optimal solution length limits, in moves. */
  minLength: number;
  maxLength: number;
  /** Reverse-play states per attempt (gym-sokoban searches up to 300k). */
  maxStates?: number;
  /** Attempts before the fallbacks. */
  attempts?: number;
}

export interface GeneratedLevel {
  level: SokobanLevel;
  solution: KnownSolution;
  /** Attempts used; more than `attempts` means a fallback made the level. */
  attempts: number;
  /** Whether the optimal length is within the limits (false only for fallbacks). */
  inRange: boolean;
}

const DEFAULT_ATTEMPTS = 40;
const DEFAULT_MAX_STATES = 60_000;
/** A length bound no level reaches. */
const NO_LIMIT = 10_000;

export function generateLevel(rng: Rng, opts: GeneratorOptions): GeneratedLevel {
  const attempts = opts.attempts ?? DEFAULT_ATTEMPTS;
  const maxStates = opts.maxStates ?? DEFAULT_MAX_STATES;
  const base = rng.seed();
  const limited = opts.minLength > 1 || opts.maxLength < NO_LIMIT;
  // The best level outside the length limits, as the first fallback.
  let spare: { fixed: number[][]; graph: LevelGraph; found: ReversePlayResult; miss: number } | null = null;

  for (let attempt = 0; attempt < attempts; attempt++) {
    const sub = makeRng(`${base}/${attempt}`);
    const fixed = randomWalkRoom(sub, opts.rows, opts.cols);
    if (!placeTargets(sub, fixed, opts.boxes)) continue;
    const graph = compileLevel(fixed);
    const found = reversePlay(graph, { minLength: opts.minLength, maxLength: opts.maxLength, maxStates });
    if (found) return finish(fixed, graph, found, attempt + 1, true);
    // No level within the limits here; without them there may be one: keep the nearest.
    const wide = limited ? reversePlay(graph, { minLength: 1, maxLength: NO_LIMIT, maxStates }) : null;
    if (wide) {
      const len = wide.plan.length;
      const miss = len < opts.minLength ? opts.minLength - len : len - opts.maxLength;
      if (spare === null || miss < spare.miss) spare = { fixed, graph, found: wide, miss };
    }
  }
  if (spare) return finish(spare.fixed, spare.graph, spare.found, attempts + 1, false);

  const fixed = openRoom(opts.rows, opts.cols);
  const cells = interiorCells(opts.rows, opts.cols).slice(0, opts.boxes);
  for (const [r, c] of cells) fixed[r][c] = TARGET;
  const graph = compileLevel(fixed);
  const found = reversePlay(graph, { minLength: 1, maxLength: NO_LIMIT, maxStates });
  if (found) return finish(fixed, graph, found, attempts + 2, inLimits(found.plan.length, opts));
  return handBuilt(opts, attempts + 3);
}

function inLimits(length: number, opts: GeneratorOptions): boolean {
  return length >= opts.minLength && length <= opts.maxLength;
}

/** Marks `boxes` random floor cells as targets; false when the room has too little floor. */
function placeTargets(rng: Rng, fixed: number[][], boxes: number): boolean {
  const floor: SokobanCell[] = [];
  fixed.forEach((row, r) => row.forEach((v, c) => v === FLOOR && floor.push([r, c])));
  // The player needs a cell besides the boxes, and a little room to move them.
  if (floor.length < boxes + 2) return false;
  for (const [r, c] of rng.shuffle(floor).slice(0, boxes)) fixed[r][c] = TARGET;
  return true;
}

function interiorCells(rows: number, cols: number): SokobanCell[] {
  const out: SokobanCell[] = [];
  for (let r = 1; r < rows - 1; r++) for (let c = 1; c < cols - 1; c++) out.push([r, c]);
  return out;
}

function finish(fixed: number[][], graph: LevelGraph, found: ReversePlayResult, attempts: number, inRange: boolean): GeneratedLevel {
  const at = (cell: number): SokobanCell => [graph.row[cell], graph.col[cell]];
  const level: SokobanLevel = { fixed, boxes: found.boxes.map(at), player: at(found.player) };
  const sim = simulateSokoban(level, found.plan);
  return {
    level,
    solution: { plan: found.plan, length: found.plan.length, return: sim.finalReturn, optimal: true },
    attempts,
    inRange,
  };
}

/**
 * The last resort, for rooms where even an open floor left no level: targets along row 1, each
 * box just below its target in row 2, the player below the first box in row 3. Needs `rows >= 5`
 * and `boxes <= cols - 2`, which the options enforce. The plan is known, not proven optimal.
 */
function handBuilt(opts: GeneratorOptions, attempts: number): GeneratedLevel {
  const fixed = openRoom(opts.rows, opts.cols);
  const boxes: SokobanCell[] = [];
  const plan: number[] = [];
  for (let i = 0; i < opts.boxes; i++) {
    fixed[1][1 + i] = TARGET;
    boxes.push([2, 1 + i]);
  }
  const player: SokobanCell = [3, 1];
  // Push each box up from below, then step right along row 3 to the next one.
  for (let i = 0; i < opts.boxes; i++) {
    plan.push(1, 2); // up (push), down (back to row 3)
    if (i < opts.boxes - 1) plan.push(4);
  }
  plan.length -= opts.boxes > 0 ? 1 : 0; // the last "down" is not needed
  const level: SokobanLevel = { fixed, boxes, player };
  const sim = simulateSokoban(level, plan);
  return {
    level,
    solution: { plan, length: plan.length, return: sim.finalReturn, optimal: false },
    attempts,
    inRange: inLimits(plan.length, opts),
  };
}
