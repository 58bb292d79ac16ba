/** Sokoban: gym-sokoban's game with generated levels, an exact solver, renders and Boxoban text. */
export * from './types.js';
export * from './rules.js';
export * from './simulate.js';
export * from './boxoban.js';
