/** Sokoban: gym-sokoban's game with generated levels, an exact solver, renders and Boxoban text. */
export {
  SOKOBAN_ACTIONS,
  SOKOBAN_ALIASES,
  SOKOBAN_REWARD,
  SOKOBAN_ROOM_CODE,
  type KnownSolution,
  type SokobanActionName,
  type SokobanCell,
  type SokobanLevel,
  type SokobanState,
} from './types.js';
export { boxIndexAt, countBoxesOnTarget, isSolved, moveSokoban, type MoveResult } from './rules.js';
export * from './simulate.js';
export * from './boxoban.js';
