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
 * `num_actions: 9` is gym-sokoban's whole space: 5 `move up`, 6 `move down`, 7 `move left`,
 * 8 `move right` walk without pushing (a walk into a box does nothing but cost the step).
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
 * Terminated when solved; truncated after `max_steps` moves (gym-sokoban's registered limits: 200,
 * 120 for Sokoban-v1, 300 for large and huge). With `fit_limits` (the default with `levels`) the
 * step limit and the global protocol's action limit grow to the level's optimal length.
 * `info.score` at the end: `sokobanScore` (MageBench's `(best - optimal return) * 5 + 100`, kept
 * monotone); null with `score_known: false` when the solver found no optimum within its budget.
 *
 * ## Arguments
 * See `SokobanOptions` (options.ts): width, height, num_boxes, max_steps, min/max_solution_length,
 * protocol, max_actions_per_turn, max_global_actions, tile_size, text_vocabulary,
 * text_coordinates, text_legend, levels, level_index, generator_states, solver_states,
 * num_actions, fit_limits.
 *
 * ## Version History
 * v0 ids follow gym-sokoban's sizes and box counts.
 */
import type { EpisodeLimits, EpisodeRecord, EpisodeSummary, Game, GameStep } from '../core/game.js';
import type { Rng } from '../core/rng.js';
import { EnvError, type JsonObject } from '../core/types.js';
import { toBoxoban } from './boxoban.js';
import { generateLevel } from './generator.js';
import { levelSolution, loadLevelSet } from './level-set.js';
import { resolveSokobanOptions, vocabularyOf, type SokobanOptions } from './options.js';
import { rasterizeSokoban } from './raster.js';
import { drawSokoban } from './render.js';
import { countBoxesOnTarget, isSolved, moveSokoban } from './rules.js';
import { simulateSokoban } from './simulate.js';
import { solveSokoban } from './solver.js';
import { sokobanBoard } from './text.js';
import { SOKOBAN_ACTIONS, SOKOBAN_ACTIONS_9, SOKOBAN_ALIASES, SOKOBAN_ROOM_CODE, type KnownSolution, type SokobanLevel, type SokobanState } from './types.js';

/** With 9 actions `move up`... name the walk-only moves, so they are no aliases of the pushes. */
const ALIASES_9: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(SOKOBAN_ALIASES).filter(([alias]) => !(SOKOBAN_ACTIONS_9 as readonly string[]).includes(alias)),
);

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
  return { ...made.level, solution: proven(made.level, made.solution, options.solver_states), levelIndex: -1 };
}

/**
 * The solution, proven optimal by the solver where the generator only knew a plan (its last-resort
 * level): a score needs the optimum. The level itself is the generator's, unchanged.
 */
function proven(level: SokobanLevel, known: KnownSolution, budget: number): KnownSolution {
  if (known.optimal) return known;
  const solved = solveSokoban(level, { maxStates: budget });
  if (!solved.solved) return known;
  return { plan: solved.plan, length: solved.length, return: simulateSokoban(level, solved.plan).finalReturn, optimal: true };
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

/** How an episode ended, for the monotone score. */
export interface SokobanOutcome {
  solved: boolean;
  /** The episode's return (the cumulative reward after its last move). */
  finalReturn: number;
}

/** Below this optimal return MageBench's formula ranks idling with solving; see `sokobanScore`. */
const MIN_REFERENCE_RETURN = 1;
/** How far below 100 an unsolved episode stays, and above idling a solved one. */
const SCORE_MARGIN = 0.5;

/**
 * The episode's score: 100 for an optimal play, about 41 for doing nothing on a short level.
 *
 * Two arguments: MageBench's `(bestReturn - optimalReturn) * 5 + 100`, as training scores a
 * generated level. With the outcome (what the env passes), the same formula made monotone, so
 * that idling never scores as high as solving. With `ref = max(optimalReturn, 1)`:
 * - solved: `max(100 + 5 * (finalReturn - optimalReturn), 100 - 5 * ref + 0.5)`: 100 for an
 *   optimal play, 0.5 less for each move beyond it, and always above doing nothing;
 * - unsolved: `min(100 + 5 * (bestReturn - ref), 99.5)`: doing nothing scores `100 - 5 * ref`.
 * This is MageBench's value except on levels whose optimal return is below 1 (optimal plans of
 * more than about 130 moves), for unsolved plays within 0.1 of the optimal return (optimal plans
 * of more than 110 moves), and for a solve so slow that MageBench scores it as doing nothing.
 */
export function sokobanScore(bestReturn: number, optimalReturn: number, outcome?: SokobanOutcome): number {
  let score = (bestReturn - optimalReturn) * 5 + 100;
  if (outcome !== undefined) {
    const ref = Math.max(optimalReturn, MIN_REFERENCE_RETURN);
    const idle = 100 - 5 * ref;
    score = outcome.solved
      ? Math.max(100 + 5 * (outcome.finalReturn - optimalReturn), idle + SCORE_MARGIN)
      : Math.min(100 + 5 * (bestReturn - ref), 100 - SCORE_MARGIN);
  }
  return Math.round(score * 1e6) / 1e6;
}

/**
 * The limits of an episode on `state`: with `fit_limits`, grown to its optimal length, so that an
 * optimal play fits; without, those of the options, and an error for a fixed level that needs
 * more (a generated level's length is the generator's business: min/max_solution_length).
 */
export function sokobanLimits(state: SokobanState, options: SokobanOptions): EpisodeLimits {
  const global = options.protocol === 'global';
  const actionKey = global ? 'max_global_actions' : 'max_actions_per_turn';
  const limits: EpisodeLimits = { max_steps: options.max_steps, max_actions: options[actionKey] };
  const need = state.solution?.length;
  if (need === undefined) return limits;
  if (options.fit_limits) {
    limits.max_steps = Math.max(limits.max_steps, need);
    if (global) limits.max_actions = Math.max(limits.max_actions, need);
    return limits;
  }
  if (options.levels !== null) {
    const short = need > limits.max_steps ? 'max_steps' : global && need > limits.max_actions ? 'max_global_actions' : null;
    if (short !== null) {
      throw new EnvError(
        `Sokoban: level ${state.levelIndex} needs ${need} moves, over ${short} ${options[short]}; raise ${short} or set fit_limits: true`,
      );
    }
  }
  return limits;
}

/** The score of a finished episode; null when the level's optimum is unknown (see sokobanScore). */
function episodeScore(episode: EpisodeSummary<SokobanState>): number | null {
  const solution = episode.initial.solution;
  if (solution === null || !solution.optimal) return null;
  return sokobanScore(episode.best_return, solution.return, { solved: isSolved(episode.state), finalReturn: episode.return });
}

/**
 * A replay's options for an episode on a fixed level set: the level played alone (as the set
 * padded it, so the frame keeps its size), not the whole file, and the file's hash and the
 * level's index to say where it came from.
 */
export function sokobanEpisodeRecord(initial: SokobanState, options: SokobanOptions): EpisodeRecord | null {
  if (options.levels === null || initial.levelIndex < 0) return null;
  const set = loadLevelSet(options.levels);
  if (set.levels.length === 1) return null;
  const level = set.levels[initial.levelIndex];
  return {
    options: { ...options, levels: [toBoxoban(level)], level_index: 0, num_boxes: level.boxes.length },
    source: { sha256: set.sha256, index: initial.levelIndex, name: set.names[initial.levelIndex], levels: set.levels.length },
  };
}

export const sokobanGame: Game<SokobanState, SokobanOptions> = {
  resolveOptions: resolveSokobanOptions,
  actionNames: (options) => (options.num_actions === 9 ? SOKOBAN_ACTIONS_9 : SOKOBAN_ACTIONS),
  idleAction: 0,
  actionAliases: (options) => (options.num_actions === 9 ? ALIASES_9 : SOKOBAN_ALIASES),
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
  resetInfo: (state, options) => ({
    num_boxes: state.boxes.length,
    boxes_on_target: countBoxesOnTarget(state),
    optimal_solution_length: state.solution?.length ?? null,
    optimal_return: state.solution?.return ?? null,
    optimal_known: state.solution?.optimal ?? false,
    level_index: state.levelIndex,
    ...episodeLimitInfo(state, options),
  }),
  limits: sokobanLimits,
  // Never against a guessed optimum: a fixed level beyond the solver's budget has no score.
  score: episodeScore,
  scoreInfo: (episode): JsonObject => (episodeScore(episode) === null ? { score_known: false } : {}),
  episodeRecord: sokobanEpisodeRecord,
};

/** The episode's limits in its reset info, so that an agent knows how many moves it has. */
function episodeLimitInfo(state: SokobanState, options: SokobanOptions): JsonObject {
  const limits = sokobanLimits(state, options);
  return { max_steps: limits.max_steps, max_actions: limits.max_actions };
}
