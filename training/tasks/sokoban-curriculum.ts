// A start-state (reverse) curriculum for Sokoban plans: the generated level of `sokoban-<view>-<size>`
// started where the solver's optimal plan has only its last k pushes left. RL gets no reward on whole
// two-box levels it never solves; a few pushes from the goal it does, and k grows toward the whole
// level (k >= the plan's pushes is the whole level).
//
// Where a tail starts: right after the push before the last k, so the tail is the walk to the next
// push, then the k pushes and the walks between them. Starting at the k-th-last push itself would
// shorten the tails a little (mean moves over 200 7x7/2 levels: 1.0 against 2.5 at k=1, 3.8 against
// 5.1 at k=2, under a move apart from k=5 on) but would put the player behind the right box on the
// right side: every k=1 answer one move, and choosing the box and walking to it, half of what a
// push needs, never practised until k covers the whole level. From after a push, each stage adds
// one whole sub-goal (walk, then push), and k = the plan's pushes is exactly the level's own start.
import { moveSokoban, simulateSokoban, type SokobanCell, type SokobanLevel } from '../../envs/sokoban/index.js';
import { itemTask } from './items.js';
import { sokobanLevel, sokobanLevelKey, sokobanPlanItem, type SokobanFormat, type SokobanLevelItem, type SokobanSizeName } from './sokoban.js';
import type { ItemTask } from './types.js';

/** The most pushes a curriculum stage leaves (`-last1` .. `-last8`); 7x7/2 levels rarely need more. */
export const SOKOBAN_MAX_LAST = 8;

export interface SokobanTail {
  /** The start: the source level after the plan's moves up to the tail. */
  level: SokobanLevel;
  /** The rest of the source's optimal plan. */
  plan: number[];
  optimalReturn: number;
  /** Pushes in `plan`: k, or all of the source's when it has no more than k. */
  pushes: number;
  /** Moves of the source's plan played to reach `level` (0: the whole level). */
  from: number;
}

/** Indices of the moves of `plan` that push a box. */
export function pushMoves(level: SokobanLevel, plan: readonly number[]): number[] {
  const at: number[] = [];
  let state = level;
  plan.forEach((move, i) => {
    const r = moveSokoban(state, move);
    if (r.pushed) at.push(i);
    state = r.state;
  });
  return at;
}

const readingOrder = (a: SokobanCell, b: SokobanCell) => a[0] - b[0] || a[1] - b[1];

/**
 * The source level started where `last` pushes of its plan are left (see the header for where). The
 * tail is optimal from its start, given that the source's plan is: a shorter plan from there,
 * after the same prefix, would be a shorter plan for the whole level. Its optimal return is then
 * the tail's own return (a Sokoban return depends on the length alone once the boxes end on targets).
 */
export function sokobanTail(source: SokobanLevelItem, last: number): SokobanTail {
  if (!Number.isInteger(last) || last < 1) throw new RangeError(`a tail keeps at least one push, not ${last}`);
  const at = pushMoves(source.level, source.plan);
  if (last >= at.length) return { level: source.level, plan: source.plan, optimalReturn: source.optimalReturn, pushes: at.length, from: 0 };
  const from = at[at.length - last - 1] + 1;
  let state = source.level;
  for (const move of source.plan.slice(0, from)) state = moveSokoban(state, move).state;
  // Boxes in reading order, as a generated level lists them: the trace's positions line then lists
  // them as they are read off the board, whichever box the plan moved.
  const level: SokobanLevel = { fixed: state.fixed, player: state.player, boxes: [...state.boxes].sort(readingOrder) };
  const plan = source.plan.slice(from);
  return { level, plan, optimalReturn: simulateSokoban(level, plan).finalReturn, pushes: last, from };
}

/**
 * `sokoban-{text,image}-<size>-last<k>[-read][-pushes]`: item i of seed s is the tail of item i of
 * seed s of `sokoban-<view>-<size>` (same generator, same stream), with that view's prompt, trace
 * and verifier on its own start. Its key is the source level's, so a level held out from the
 * evaluation is held out from every stage made from it, and a stage's evaluation holds out its
 * source levels from all of training.
 */
export function sokobanCurriculumTask(size: SokobanSizeName, view: 'text' | 'image', last: number, format: SokobanFormat = 'positions', readFirst = false): ItemTask {
  if (readFirst && view !== 'image') throw new Error(`only frame plan items read the board first, not ${view} items`);
  if (!Number.isInteger(last) || last < 1 || last > SOKOBAN_MAX_LAST) throw new RangeError(`a stage leaves 1 to ${SOKOBAN_MAX_LAST} pushes, not ${last}`);
  const task = `sokoban-${view}-${size}-last${last}${readFirst ? '-read' : ''}${format === 'positions' ? '' : `-${format}`}`;
  return itemTask(task, view !== 'text', (seed, index) => {
    const source = sokobanLevel(size, seed, index);
    const tail = sokobanTail(source, last);
    return sokobanPlanItem(task, sokobanLevelKey(size, source), view, tail.level, tail.plan, tail.optimalReturn, format, readFirst);
  });
}
