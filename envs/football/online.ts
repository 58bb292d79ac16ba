/**
 * MageBench's Football-Online decision step, as env options: one decision runs the frames adaptive
 * repeat gives it, and an episode lasts at most the academy scenarios' 400 frames of play however
 * many decisions that takes. Training's Football task and the leaderboard's Football entries both
 * play with exactly these, so that a checkpoint is scored on the step it was trained on
 * (tests/training/eval/leaderboard/football-protocol.test.ts pins the suite files to them).
 * Training adds its own `max_steps`, a cap on decisions; the leaderboard leaves the default.
 */
import { DEFAULT_MAX_FRAMES } from './game.js';

export const FOOTBALL_ONLINE_OPTIONS: Readonly<{ adaptive_repeat: true; max_frames: number }> = Object.freeze({
  adaptive_repeat: true,
  max_frames: DEFAULT_MAX_FRAMES,
});
