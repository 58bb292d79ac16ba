/** The football game: pure, browser-safe; importing it registers the `Football-*-v0` ids. */
export { footballGame } from './game.js';
export { FOOTBALL_ONLINE_OPTIONS } from './online.js';
export { FOOTBALL_IDS, footballId, registerFootball } from './register.js';
export { ACTIONS as FOOTBALL_ACTIONS, PROMPT_ACTIONS as FOOTBALL_PROMPT_ACTIONS, ACTION as FOOTBALL_ACTION } from './actions.js';
export {
  MINIMAP_HEIGHT as FOOTBALL_MINIMAP_HEIGHT,
  MINIMAP_PLANES as FOOTBALL_MINIMAP_PLANES,
  MINIMAP_WIDTH as FOOTBALL_MINIMAP_WIDTH,
  minimap as footballMinimap,
} from './minimap.js';
export { MAGEBENCH as FOOTBALL_MAGEBENCH_REWARD, SCORE_SCALE as FOOTBALL_SCORE_SCALE } from './reward.js';
export { shotChance as footballShotChance } from './shots.js';
export { stepFrame as footballStepFrame } from './step.js';
export { footballTaskPrompt } from './prompt.js';
export { describe as footballText } from './text.js';
export { stateJson as footballStateJson } from './json.js';
export { SCENARIOS as FOOTBALL_SCENARIOS } from './types.js';
export type { FootballOptions, FootballState, Player as FootballPlayer, ScenarioId as FootballScenario } from './types.js';
