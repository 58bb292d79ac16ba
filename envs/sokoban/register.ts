/** gym-sokoban's ids, joined to the registry when this module is first imported. */
import { GameEnv } from '../core/game-env.js';
import { register } from '../core/registry.js';
import type { JsonObject } from '../core/types.js';
import { sokobanGame } from './game.js';

/**
 * id -> [height, width, boxes] (gym-sokoban's dim_room is (height, width)). Where gym-sokoban
 * contradicts itself we follow its README: it defines `Sokoban-large-v1` twice, and the second
 * class (5 boxes) wins in its code, while its README says 4, as here. Its `Sokoban-large-v2` is
 * registered without a class, so it is not offered here.
 */
export const SOKOBAN_VARIANTS: Readonly<Record<string, readonly [number, number, number]>> = {
  'Sokoban-small-v0': [7, 7, 2],
  'Sokoban-small-v1': [7, 7, 3],
  'Sokoban-v0': [10, 10, 3],
  'Sokoban-v1': [10, 10, 4],
  'Sokoban-v2': [10, 10, 5],
  'Sokoban-large-v0': [13, 11, 3],
  'Sokoban-large-v1': [13, 11, 4],
  'Sokoban-huge-v0': [13, 13, 5],
};

/**
 * id -> `max_steps`, gym-sokoban's registered limits (its registry's max_episode_steps; its
 * class default of 120 is what an unregistered `GameEnv` gets).
 */
export const SOKOBAN_STEP_LIMITS: Readonly<Record<string, number>> = {
  'Sokoban-small-v0': 200,
  'Sokoban-small-v1': 200,
  'Sokoban-v0': 200,
  'Sokoban-v1': 120,
  'Sokoban-v2': 200,
  'Sokoban-large-v0': 300,
  'Sokoban-large-v1': 300,
  'Sokoban-huge-v0': 300,
};

const SIZE_KEYS = ['height', 'width', 'num_boxes'] as const;

/**
 * The options an id's env is made with. With a fixed level set the levels fix the room, so the
 * id's size defaults are dropped (a size the caller gave stays, and must agree with the levels).
 */
function withIdDefaults(merged: JsonObject, given: JsonObject): JsonObject {
  if (given.levels === undefined || given.levels === null) return merged;
  const out: JsonObject = { ...merged };
  for (const key of SIZE_KEYS) if (!Object.hasOwn(given, key)) delete out[key];
  return out;
}

for (const [id, [height, width, boxes]] of Object.entries(SOKOBAN_VARIANTS)) {
  register({
    id,
    description: `Sokoban, ${height}x${width} room with ${boxes} boxes (gym-sokoban's ${id})`,
    defaults: { height, width, num_boxes: boxes, max_steps: SOKOBAN_STEP_LIMITS[id] },
    create: (options, given) => new GameEnv(id, sokobanGame, withIdDefaults(options, given)),
  });
}
