/** Sokoban: gym-sokoban's game with generated levels, an exact solver, renders and Boxoban text. */
export {
  SOKOBAN_ACTIONS,
  SOKOBAN_ACTIONS_9,
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
export { solveSokoban, type SolveOptions, type SolveResult } from './solver.js';
export { generateLevel, type GeneratedLevel, type GeneratorOptions } from './generator.js';
export { loadLevelSet, levelSolution, type LevelSet } from './level-set.js';
export { resolveSokobanOptions, vocabularyOf, type SokobanOptions } from './options.js';
export {
  sokobanBoard,
  sokobanGrid,
  sokobanCoordinates,
  sokobanLegend,
  SOKOBAN_COORDINATES_NOTE,
  VOCABULARIES as SOKOBAN_VOCABULARIES,
  type SokobanBoardOptions,
  type Vocabulary as SokobanVocabulary,
} from './text.js';
export { drawSokoban, drawTile as drawSokobanTile, PALETTE as SOKOBAN_PALETTE } from './render.js';
export { rasterizeSokoban } from './raster.js';
export { sokobanGame, initialSokoban, stepSokoban, sokobanRoom, sokobanScore, sokobanLimits, sokobanEpisodeRecord, type SokobanOutcome } from './game.js';
export { SOKOBAN_VARIANTS, SOKOBAN_STEP_LIMITS } from './register.js';
