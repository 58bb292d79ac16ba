/**
 * The environment contract, written once (Gymnasium semantics, in TypeScript).
 *
 * - `reset({ seed })` re-seeds the instance's own generator; `reset()` without a seed continues
 *   that generator's stream, so two instances reset with the same seed stay identical forever.
 * - `step(action)` returns `terminated` when the game itself ended (solved, goal, ball lost) and
 *   `truncated` when an outside limit (the step budget) cut the episode short. Both false means
 *   the episode goes on; stepping after either is an error until the next `reset`.
 * - Observations are fresh copies: nothing an env returns is mutated by a later call.
 * - Invalid actions never throw: they are reported in `info.action_is_valid` /
 *   `info.invalid_actions` and cost a step like any other action.
 */
import type { JsonObject } from './json.js';
import type { LiveSpace } from './spaces.js';

export type { Json, JsonObject } from './json.js';

/** RGBA pixels, row-major, 4 bytes a pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export interface Observation {
  /** What a text-only agent reads: a grid or a description. */
  text: string;
  /** The rendered frame. */
  image: RgbaImage;
  /** The symbolic state, JSON. */
  state: JsonObject;
}

/**
 * What `step` takes. A structured action (a name or an index of the action space) runs exactly one
 * move; a list is one turn under the protocol's rules, as the same moves in text (at most
 * `max_actions_per_turn` of them online; under `global` the whole plan, which ends the episode);
 * `{ text }` is a raw LMM response that the env's protocol parses (see `parseAnswer`).
 */
export type Action = number | string | ReadonlyArray<number | string> | { text: string };

/** Whether an action is a raw LMM response (`{ text }`) rather than a structured one. */
export function isTextAction(action: Action): action is { text: string } {
  return typeof action === 'object' && action !== null && !Array.isArray(action) && 'text' in action;
}

export type Info = JsonObject;

export interface ResetResult {
  observation: Observation;
  info: Info;
}

export interface StepResult {
  observation: Observation;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

export type RenderMode = 'rgb' | 'png' | 'text';

export interface ResetArgs {
  /**
   * Re-seeds the instance's generator (a non-negative integer, as Gymnasium requires); absent or
   * null continues its stream.
   */
  seed?: number | null;
  options?: JsonObject;
}

/** The spaces of an env, as data for the server and the checker. */
export interface EnvSpaces {
  /** Data (what the server publishes) with Gymnasium's `sample(rng)` / `contains(x)` as methods. */
  action: LiveSpace;
  observation: LiveSpace;
}

/** How a text action is read: the whole plan at once, or a few moves a turn. */
export type Protocol = 'global' | 'online';

/** Options that rebuild an episode from its seed, and where their content came from (for replays). */
export interface EpisodeRecord {
  options: JsonObject;
  /** E.g. a fixed level set's SHA-256 and the index of the level played. */
  source?: JsonObject;
}

export interface Env {
  readonly id: string;
  /** The options this instance was made with, after defaults were applied. */
  readonly options: JsonObject;
  readonly spaces: EnvSpaces;
  reset(args?: ResetArgs): ResetResult;
  step(action: Action): StepResult;
  render(mode: 'rgb'): RgbaImage;
  render(mode: 'png'): Uint8Array;
  render(mode: 'text'): string;
  render(mode: RenderMode): RgbaImage | Uint8Array | string;
  close(): void;
  /**
   * Options that rebuild the current episode from its seed (`make(id, options)`), smaller than
   * `options` where the game can (a fixed level set cut to the level played). Optional: without
   * it a replay stores `options`.
   */
  episodeRecord?(): EpisodeRecord;
}

/** Thrown for misuse of the API (unknown id, bad option, step before reset), never for bad actions. */
export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvError';
  }
}
