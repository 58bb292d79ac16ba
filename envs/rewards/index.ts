/**
 * Rule-based rewards, LMM-R1's, owned by the environments (as in Gymnasium the env owns its
 * reward): training, the server and the scripts take them from here. Each returns one
 * `RewardResult`: `{ total, format, task, bonuses }`, `success` (the task was solved) and, for a
 * game with a score of its own, `score` (0-100).
 *
 * - `formatReward(response)`: 0.5 for exactly `<think>...</think><answer>...</answer>`.
 * - `accuracyReward(response, gold)`: 1 when the `<answer>` (its last `\boxed{}`) equals the gold.
 * - `mathReward(response, gold)`: the two together, at most 1.5.
 * - `sokobanReward(response, level, config?, optimalReturn?)`: LMM-R1's Sokoban verifier (env
 *   return + 0.5 + bonuses); `success` when the plan solves the level, `score` MageBench's given
 *   the level's optimal return.
 * - `gameEpisodeReward(response, envId, seed, options)`: a game level played as one whole-plan turn.
 * - `rewardForItem(item, response)`: a puzzle item's reward, graded by its family's verifier.
 * - `rewardForLabel(response, label)` (`parseRewardLabel` + `rewardForParsedLabel`): the reward for
 *   an OpenRLHF label, a gold text, a puzzle item or a game level; levels and items are cached.
 * - `answersMatch(answer, gold)`: the grader (grading/), `goldProblem(gold)`: why a gold is unusable.
 * - Weights: `DEFAULT_MATH_REWARD`, `DEFAULT_SOKOBAN_REWARD`; every reward takes overrides.
 */
export * from './types.js';
export * from './config.js';
export { formatReward, parseStrictFormat, type FormattedResponse } from './format.js';
export { accuracyReward, gradedAnswer } from './accuracy.js';
export { mathReward } from './math.js';
export { sokobanReward, strictDirections, hasRepeatedRun, actionCountBonus, thinkingBonus, type SokobanRewardLevel } from './sokoban.js';
export { gameEpisodeReward } from './game.js';
export { parseRewardLabel, puzzleForLabel, RewardLabelError, type RewardLabel, type EnvLabel, type PuzzleLabel } from './labels.js';
export { rewardForItem, rewardForLabel, rewardForParsedLabel, type DispatchConfig } from './dispatch.js';
export { answersMatch, goldProblem } from './grading/grade.js';
