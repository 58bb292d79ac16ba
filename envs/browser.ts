/** The environments without Node-only code: game rules, renderers, registry, checker. */
export * from './core/types.js';
export * from './core/spaces.js';
export * from './core/rng.js';
export * from './core/registry.js';
export * from './core/answer.js';
export * from './core/game.js';
export * from './core/game-env.js';
export { plainObservation } from './core/observation.js';
export * from './core/options.js';
export * from './core/vector.js';
export * from './core/check.js';
export * from './render/context.js';
export * from './render/png.js';
export * from './render/gif.js';
export * from './sokoban/index.js';
export * from './puzzles/index.js';
export * from './football/index.js';
