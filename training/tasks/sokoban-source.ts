// The level behind each item of a Sokoban plan task, for stages that need more than the item: the
// expert iteration stage (training/stages/ei.ts) replays a model's plan on the item's level and
// asks the solver for the rest from the state the plan reached. Task names are read here, for
// index.ts too (parseSokobanPlanName):
// sokoban-{text,image}-<size>[-last<k>][-read][-pushes]. Item i of seed s is exactly
// task(name).item(s, i) (a test holds the two together), built here through the same functions.
import { simulateSokoban, type SokobanLevel } from '../../envs/sokoban/index.js';
import { SOKOBAN_MAX_LAST, sokobanTail } from './sokoban-curriculum.js';
import { SOKOBAN_SIZES, sokobanLevel, sokobanLevelKey, sokobanPlanItem, type SokobanFormat, type SokobanSizeName } from './sokoban.js';
import type { PromptItem } from './types.js';

/** One item of a plan task with the level it starts from. */
export interface SokobanPlanDraw {
  item: PromptItem;
  /** The item's key: its source level's (training skips held-out items by it). */
  key: string;
  /** The item's start (a curriculum stage's: where its tail starts). */
  level: SokobanLevel;
  /** The optimal plan from `level`, the one the item's trace writes. */
  plan: number[];
}

export interface SokobanPlanSource {
  readonly name: string;
  readonly vision: boolean;
  draw(seed: number, index: number): SokobanPlanDraw;
  /**
   * A plan item of this task (its view, trace format, board read first or not) from another start,
   * under `key`: a state reached on a source level stays keyed as that level, so a held-out level
   * stays out of training whatever state of it an item starts from.
   */
  itemAt(key: string, level: SokobanLevel, plan: readonly number[]): PromptItem;
}

const readingOrder = (a: readonly number[], b: readonly number[]) => a[0] - b[0] || a[1] - b[1];

/** What a plan task's name says: sokoban-{text,image}-<size>[-last<k>][-read][-pushes]. */
export interface SokobanPlanName {
  view: 'text' | 'image';
  size: SokobanSizeName;
  /** The reverse curriculum's k (pushes left), or null for whole levels. */
  last: number | null;
  format: SokobanFormat;
  /** Frames only: the trace writes the board before the plan. */
  readFirst: boolean;
}

/** The parts of a Sokoban plan task's name (the one reading of these names), or null when it is not one. */
export function parseSokobanPlanName(name: string): SokobanPlanName | null {
  const m = /^sokoban-(text|image)-(\d+x\d+-\d+)(?:-last([1-9]\d*))?(-read)?(-pushes)?$/.exec(name);
  if (!m || !(m[2] in SOKOBAN_SIZES) || (m[4] && m[1] !== 'image')) return null;
  const last = m[3] === undefined ? null : Number(m[3]);
  if (last !== null && last > SOKOBAN_MAX_LAST) return null;
  return { view: m[1] as 'text' | 'image', size: m[2] as SokobanSizeName, last, format: m[5] ? 'pushes' : 'positions', readFirst: !!m[4] };
}

/** The source of a Sokoban plan task's levels, or null when `name` is not one. */
export function sokobanPlanSource(name: string): SokobanPlanSource | null {
  const parsed = parseSokobanPlanName(name);
  if (!parsed) return null;
  const { view, size, last, format, readFirst } = parsed;
  const itemAt = (key: string, level: SokobanLevel, plan: readonly number[]): PromptItem => {
    // Boxes in reading order, as a generated level lists them: the trace's positions line lists
    // them as they are read off the board, whichever box a plan moved.
    const start: SokobanLevel = { fixed: level.fixed, player: level.player, boxes: [...level.boxes].sort(readingOrder) };
    // A Sokoban return depends on the moves alone once the boxes end on targets: the plan's own
    // return is the optimal one when the plan is.
    return sokobanPlanItem(name, key, view, start, plan, simulateSokoban(start, plan).finalReturn, format, readFirst);
  };
  return {
    name,
    vision: view === 'image',
    itemAt,
    draw(seed, index) {
      const source = sokobanLevel(size, seed, index);
      const key = sokobanLevelKey(size, source);
      const start = last === null ? source : sokobanTail(source, last);
      const item = sokobanPlanItem(name, key, view, start.level, start.plan, start.optimalReturn, format, readFirst);
      return { item, key, level: start.level, plan: start.plan };
    },
  };
}
