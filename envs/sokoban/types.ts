/**
 * Sokoban's data: levels, states, actions and cell codes (gym-sokoban's numbering).
 *
 * Coordinates are `[row, col]`, 0-based, row 0 at the top. Levels and states are plain JSON-able
 * data and are never mutated once made: every move builds a new state.
 */

/** `[row, col]`. */
export type SokobanCell = [number, number];

/** Codes of `fixed`, the part of the room that never changes. */
export const WALL = 0;
export const FLOOR = 1;
export const TARGET = 2;

/** gym-sokoban's room codes, for the full picture (`sokobanRoom`). */
export const SOKOBAN_ROOM_CODE = { wall: 0, floor: 1, target: 2, box_on_target: 3, box: 4, player: 5 } as const;

/** A level, or any position of one: the fixed room plus the movable parts. */
export interface SokobanLevel {
  /** `fixed[row][col]`: 0 wall, 1 floor, 2 target. */
  fixed: number[][];
  boxes: SokobanCell[];
  player: SokobanCell;
}

/** The optimal solution of an episode's initial level, as far as it is known. */
export interface KnownSolution {
  /** The plan as move indices (1 up, 2 down, 3 left, 4 right). */
  plan: number[];
  /** `plan.length`. */
  length: number;
  /** Cumulative reward of the plan, summed step by step as an episode sums it. */
  return: number;
  /** True when the plan is proven optimal (fewest moves); false when it is only a known plan. */
  optimal: boolean;
}

/** A state of play: the level as it stands, plus what the episode carries along unchanged. */
export interface SokobanState extends SokobanLevel {
  /** The best plan from the episode's initial level, or null when none is known (unsolved). */
  solution: KnownSolution | null;
  /** Index in the fixed level set, or -1 for a generated level. */
  levelIndex: number;
}

/** Action indices, gym-sokoban's: 0 is "no operation", 1-4 are its push actions. */
export const NOOP = 0;
export const UP = 1;
export const DOWN = 2;
export const LEFT = 3;
export const RIGHT = 4;

export const SOKOBAN_ACTIONS = ['noop', 'up', 'down', 'left', 'right'] as const;
export type SokobanActionName = (typeof SOKOBAN_ACTIONS)[number];

/**
 * gym-sokoban's full action space (option `num_actions: 9`): its 5-8 walk without pushing, so a
 * walk into a box leaves both where they are. Indices 0-4 are the same moves as SOKOBAN_ACTIONS.
 */
export const SOKOBAN_ACTIONS_9 = [...SOKOBAN_ACTIONS, 'move up', 'move down', 'move left', 'move right'] as const;
export type SokobanActionName9 = (typeof SOKOBAN_ACTIONS_9)[number];
/** First index of the walk-only moves; index `a` walks like push move `a - 4`. */
export const FIRST_WALK_ACTION = 5;

/** Row and column deltas by action index (noop stays). */
export const DELTAS: readonly (readonly [number, number])[] = [
  [0, 0],
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];

/** The move that undoes a walk in the other direction: up <-> down, left <-> right. */
export const OPPOSITE = [NOOP, DOWN, UP, RIGHT, LEFT] as const;

/**
 * Other spellings of the actions in text answers, lower case. With 9 actions the `move ...`
 * spellings are the walk-only moves' own names, so they are left out of this table there.
 */
export const SOKOBAN_ALIASES: Readonly<Record<string, SokobanActionName>> = {
  u: 'up',
  d: 'down',
  l: 'left',
  r: 'right',
  north: 'up',
  south: 'down',
  west: 'left',
  east: 'right',
  'move up': 'up',
  'move down': 'down',
  'move left': 'left',
  'move right': 'right',
  'push up': 'up',
  'push down': 'down',
  'push left': 'left',
  'push right': 'right',
  'no-op': 'noop',
  'no op': 'noop',
  none: 'noop',
  wait: 'noop',
  stay: 'noop',
};

/** Rewards, gym-sokoban's. */
export const SOKOBAN_REWARD = { step: -0.1, boxOnTarget: 1, boxOffTarget: -1, solved: 10 } as const;
