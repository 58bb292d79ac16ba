/** gym-sokoban's ids, joined to the registry when this module is first imported. */
import { GameEnv } from '../core/game-env.js';
import { register } from '../core/registry.js';
import { sokobanGame } from './game.js';

/** id -> [height, width, boxes] (gym-sokoban's dim_room is (height, width)). */
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

for (const [id, [height, width, boxes]] of Object.entries(SOKOBAN_VARIANTS)) {
  register({
    id,
    description: `Sokoban, ${height}x${width} room with ${boxes} boxes (gym-sokoban's ${id})`,
    defaults: { height, width, num_boxes: boxes },
    create: (options) => new GameEnv(id, sokobanGame, options),
  });
}
