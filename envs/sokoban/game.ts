/**
 * Sokoban as a `Game` for `GameEnv`, with gym-sokoban's semantics and ids.
 *
 * ## Description
 * Push every box onto a target. Levels are generated (random-walk room, reverse play from the
 * solved position; see generator.ts) or drawn from a fixed Boxoban level set (`levels`).
 *
 * ## Action Space
 * Discrete(5): 0 `noop`, 1 `up`, 2 `down`, 3 `left`, 4 `right` (gym-sokoban's indices; moving into
 * a box pushes it). Text actions also accept `u/d/l/r`, `north`..., `move up`, `push up`.
 *
 * ## Observation Space
 * `text`: the board as `sokobanBoard` writes it (text.ts): the grid (default vocabulary `#` wall,
 * `_` floor, `.` target, `$` box, `*` box on a target, `@` player, `+` player on a target), a
 * one-line legend and a `[row, column]` coordinate listing; `image`: 16 px a cell by
 * default (112x112 for 7x7); `state`: `{ fixed, boxes, player, room }` (`room` in gym-sokoban's
 * codes 0 wall, 1 floor, 2 target, 3 box on target, 4 box, 5 player).
 *
 * ## Starting State
 * A level whose optimal solution length lies in [min_solution_length, max_solution_length]
 * (generated levels; a fallback level may miss the limits, never the solvability).
 *
 * ## Rewards
 * -0.1 a move, +1 when a box lands on a target, -1 when one leaves, +10 when all are on targets.
 *
 * ## Episode End
 * Terminated when solved; truncated after `max_steps` (120) moves. `info.score` at the end:
 * MageBench's `(best cumulative reward over prefixes - optimal return) * 5 + 100`.
 *
 * ## Arguments
 * See `SokobanOptions` (options.ts): width, height, num_boxes, max_steps, min/max_solution_length,
 * protocol, max_actions_per_turn, max_global_actions, tile_size, text_vocabulary,
 * text_coordinates, text_legend, levels, level_index, generator_states, solver_states.
 *
 * ## Version History
 * v0 ids follow gym-sokoban's sizes and box counts.
 */
import type { Game, GameStep } from '../core/game.js';
import type { Rng } from '../core/rng.js';
import type { JsonObject } from '../core/types.js';
import { generateLevel } from './generator.js';
import { levelSolution, loadLevelSet } from './level-set.js';
import { resolveSokobanOptions, vocabularyOf, type SokobanOptions } from './options.js';
import { rasterizeSokoban } from './raster.js';
import { drawSokoban } from './render.js';
import { countBoxesOnTarget, moveSokoban } from './rules.js';
import { sokobanBoard } from './text.js';
import { SOKOBAN_ACTIONS, SOKOBAN_ALIASES, SOKOBAN_ROOM_CODE, type SokobanLevel, type SokobanState } from './types.js';

/** A new level for an episode: from the fixed set when there is one, else generated. */
export function initialSokoban(rng: Rng, options: SokobanOptions): SokobanState {
  if (options.levels !== null) {
    const set = loadLevelSet(options.levels);
    const index = options.level_index >= 0 ? options.level_index : rng.int(set.levels.length);
    return { ...set.levels[index], solution: levelSolution(set, index, options.solver_states), levelIndex: index };
  }
  const made = generateLevel(rng, {
    rows: options.height,
    cols: options.width,
    boxes: options.num_boxes,
    minLength: options.min_solution_length,
    maxLength: options.max_solution_length,
    maxStates: options.generator_states,
  });
  return { ...made.level, solution: made.solution, levelIndex: -1 };
}

/** One move of the pure core, with the info an env reports. */
export function stepSokoban(state: SokobanState, action: number): GameStep<SokobanState> {
  const r = moveSokoban(state, action);
  return {
    state: r.state,
    reward: r.reward,
    terminated: r.solved,
    info: { action_is_effective: r.effective, box_pushed: r.pushed, boxes_on_target: r.boxesOnTarget, success: r.solved },
  };
}

/**
 * A copy of a row that is a packed array whatever the source: generated rooms are made with
 * `new Array(n).fill()`, holey, which `slice` keeps and JSON.stringify walks on its slow path. The
 * state made and stringified took 3.7 us with holey rows, 2.4 us packed (under bench:server noise).
 */
function packedRow(row: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < row.length; i++) out.push(row[i]);
  return out;
}

/** gym-sokoban's room: the fixed cells with boxes (4, or 3 on a target) and the player (5). */
export function sokobanRoom(level: SokobanLevel): number[][] {
  const room = level.fixed.map(packedRow);
  for (const [r, c] of level.boxes) room[r][c] = room[r][c] === 2 ? SOKOBAN_ROOM_CODE.box_on_target : SOKOBAN_ROOM_CODE.box;
  room[level.player[0]][level.player[1]] = SOKOBAN_ROOM_CODE.player;
  return room;
}

/** MageBench's score: 100 for an optimal play, about 41 for doing nothing. */
export function sokobanScore(bestReturn: number, optimalReturn: number): number {
  return Math.round(((bestReturn - optimalReturn) * 5 + 100) * 1e6) / 1e6;
}

export const sokobanGame: Game<SokobanState, SokobanOptions> = {
  resolveOptions: resolveSokobanOptions,
  actionNames: () => SOKOBAN_ACTIONS,
  idleAction: 0,
  actionAliases: () => SOKOBAN_ALIASES,
  stateSpace: () => ({
    type: 'json',
    description: 'fixed[row][col] (0 wall, 1 floor, 2 target), boxes [[row, col]...], player [row, col], room (gym-sokoban codes 0-5)',
  }),
  initial: initialSokoban,
  step: stepSokoban,
  text: (state, options) =>
    sokobanBoard(state, { vocabulary: vocabularyOf(options.text_vocabulary), legend: options.text_legend, coordinates: options.text_coordinates }),
  toJson: (state): JsonObject => ({
    fixed: state.fixed.map(packedRow),
    boxes: state.boxes.map(([r, c]) => [r, c]),
    player: [state.player[0], state.player[1]],
    room: sokobanRoom(state),
  }),
  frameSize: (options) => ({ width: options.width * options.tile_size, height: options.height * options.tile_size }),
  draw: (ctx, state, options) => drawSokoban(ctx, state, options.tile_size),
  rasterize: (state, options) => rasterizeSokoban(state, options.tile_size),
  resetInfo: (state) => ({
    num_boxes: state.boxes.length,
    boxes_on_target: countBoxesOnTarget(state),
    optimal_solution_length: state.solution?.length ?? null,
    optimal_return: state.solution?.return ?? null,
    optimal_known: state.solution?.optimal ?? false,
    level_index: state.levelIndex,
  }),
  // Without a known solution (fixed level beyond the solver's budget) the optimum counts as 0.
  score: (episode) => sokobanScore(episode.best_return, episode.initial.solution?.return ?? 0),
};
