/**
 * Rule-based rewards, LMM-R1's (envs/rewards). Each returns `{ total, format, task, bonuses }`.
 *
 * - `formatReward(response)`: 0.5 for exactly `<think>...</think><answer>...</answer>`.
 * - `accuracyReward(response, gold)`: 1 when the `<answer>` (its last `\boxed{}`) equals the gold.
 * - `mathReward(response, gold)`: the two together, at most 1.5.
 * - `sokobanReward(response, level)`: LMM-R1's Sokoban verifier (env return + 0.5 + bonuses).
 * - `rewardForItem(item, response)`, `rewardForLabel(response, label)`, `parseRewardLabel`: pick
 *   the reward for a puzzle item or an OpenRLHF label (gold text, puzzle item or game level JSON).
 * - `answersMatch(answer, gold)`: the grader (grading/), `goldProblem(gold)`: why a gold is unusable.
 * - Weights: `DEFAULT_MATH_REWARD`, `DEFAULT_SOKOBAN_REWARD`; every reward takes overrides.
 */
export * from './types.js';
export * from './config.js';
export { formatReward, parseStrictFormat, type FormattedResponse } from './format.js';
export { accuracyReward, gradedAnswer } from './accuracy.js';
export { mathReward } from './math.js';
export { sokobanReward, strictDirections, hasRepeatedRun, actionCountBonus, thinkingBonus, type SokobanRewardLevel } from './sokoban.js';
export { parseRewardLabel, rewardForItem, rewardForLabel, puzzleForLabel, RewardLabelError, type RewardLabel, type DispatchConfig } from './dispatch.js';
export { answersMatch, goldProblem } from './grading/grade.js';
