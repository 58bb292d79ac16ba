/**
 * A game is a pure core; `GameEnv` is the thin stateful wrapper that gives it the Env contract.
 *
 * The core never mutates a state it was given and holds no randomness of its own beyond the `Rng`
 * passed to `initial` (a game that needs randomness during play keeps a seed inside its state), so
 * the same code runs in Node, in the browser viewer and in the replay verifier.
 */
import type { Context2D } from '../render/context.js';
import type { Rng } from './rng.js';
import type { EpisodeRecord, JsonObject, Protocol, RgbaImage } from './types.js';

export type { EpisodeRecord } from './types.js';
import type { Space } from './spaces.js';

export interface GameStep<S> {
  state: S;
  reward: number;
  /** The game ended by its own rules (solved, goal, ball lost). */
  terminated: boolean;
  /**
   * A time limit the game keeps itself ran out (Football's game time, when one decision runs
   * several frames): the episode is truncated as at `max_steps`. Absent means no.
   */
  truncated?: boolean;
  info: JsonObject;
}

/** Options every game understands. */
export interface BaseOptions extends JsonObject {
  /** Moves before `truncated`. */
  max_steps: number;
  protocol: Protocol;
  /** Moves one text action may run under the online protocol. */
  max_actions_per_turn: number;
  /** Moves one text action may run under the global protocol. */
  max_global_actions: number;
}

/** The episode so far, for a game's score. */
export interface EpisodeSummary<S> {
  initial: S;
  state: S;
  length: number;
  /** Sum of rewards. */
  return: number;
  /** Best cumulative reward over the episode's prefixes, the empty prefix (0) included. */
  best_return: number;
}

export interface Game<S, O extends BaseOptions = BaseOptions> {
  /** Checks and completes options; throws EnvError naming the option at fault. */
  resolveOptions(options: JsonObject): O;
  /** Structured actions: index i is named `actionNames[i]` (lower case). */
  actionNames(options: O): readonly string[];
  /** The action that waits: played for a turn whose action named no valid move. */
  idleAction?: number;
  /** Other spellings accepted in text actions, lower case, mapped to a canonical name. */
  actionAliases?(options: O): Readonly<Record<string, string>>;
  /** The `state` part of observations, described for clients. */
  stateSpace(options: O): Space;
  initial(rng: Rng, options: O): S;
  step(state: S, action: number, options: O): GameStep<S>;
  text(state: S, options: O): string;
  toJson(state: S, options: O): JsonObject;
  frameSize(options: O): { width: number; height: number };
  /** Draws the frame on any 2D context; opaque integer rectangles only (see render/context.ts). */
  draw(ctx: Context2D, state: S, options: O): void;
  /** Optional faster path; must give the same pixels as `draw` on a RasterContext. */
  rasterize?(state: S, options: O): RgbaImage;
  /** Extra info at reset (e.g. the optimal solution length). */
  resetInfo?(state: S, options: O): JsonObject;
  /**
   * The episode's score, reported in `info.score` when an episode ends; null when it cannot be
   * known (a game then says why in `scoreInfo`).
   */
  score?(episode: EpisodeSummary<S>, options: O): number | null;
  /** Extra info beside the score at the episode's end (e.g. whether the reference was known). */
  scoreInfo?(episode: EpisodeSummary<S>, options: O): JsonObject;
  /**
   * The episode's limits, when they depend on its starting state (e.g. a long fixed level that
   * needs more moves than the options allow). May throw EnvError naming the option to raise.
   * Without it: `max_steps`, and `max_global_actions` / `max_actions_per_turn` by protocol.
   */
  limits?(state: S, options: O): EpisodeLimits;
  /**
   * Options that rebuild this episode from the same seed, smaller than the env's where the game
   * can (a fixed level set cut to the level played), and where those came from, for replays.
   */
  episodeRecord?(initial: S, options: O): EpisodeRecord | null;
}

export interface EpisodeLimits {
  /** Moves before `truncated`. */
  max_steps: number;
  /** Moves one text answer (or a list of actions) may run. */
  max_actions: number;
}

