/**
 * Picking the reward for an item or a label (labels.ts reads labels):
 *
 * - a gold answer: `mathReward`;
 * - a puzzle item: the family's own verifier, as in training (countdown checks the numbers used,
 *   knights reads roles by name, text Sokoban plays the moves with LMM-R1's Sokoban verifier);
 * - a game level: Sokoban ids the Sokoban verifier on the level's first state, other games one
 *   whole-plan episode of the env (`gameEpisodeReward`).
 *
 * Levels and puzzle items are made once and cached (levels.ts), so the 16 samples of a prompt do
 * not make their level 16 times.
 */
import type { JsonObject } from '../core/types.js';
import { puzzleFamily, TEXT_SOKOBAN_MAX_MOVES, type PuzzleItem } from '../puzzles/index.js';
import { DEFAULT_MATH_REWARD, DEFAULT_SOKOBAN_REWARD, type MathRewardConfig, type SokobanRewardConfig } from './config.js';
import { gradedAnswer } from './accuracy.js';
import { formatReward } from './format.js';
import { gameEpisodeReward } from './game.js';
import { goldProblem } from './grading/grade.js';
import { parseRewardLabel, RewardLabelError, type EnvLabel, type RewardLabel } from './labels.js';
import { cachedEnvLevel, cachedPuzzleItem } from './levels.js';
import { mathReward } from './math.js';
import { sokobanReward, verifySokoban, type SokobanRewardLevel } from './sokoban.js';
import { rewardResult, type RewardResult } from './types.js';

export interface DispatchConfig {
  math?: Partial<MathRewardConfig>;
  sokoban?: Partial<SokobanRewardConfig>;
  /** The level of a Sokoban game label; by default the env's first state at the label's seed (0 when none), cached. */
  resolveLevel?: (label: EnvLabel) => SokobanRewardLevel;
}

/**
 * The text Sokoban family's verdict on a response, simulating only when the verifier did not. A
 * strict answer the verifier played is a list of directions that the family reads the same way,
 * and both play its first 50 moves, so the verifier's `success` is the family's verdict; an answer
 * the verifier refused (a broken format, a boxed or newline-separated list) the family reads itself.
 */
function textSokobanSuccess(item: PuzzleItem, response: string, verdict: { reward: RewardResult; played: boolean }, maxActions: number): boolean {
  if (verdict.played && maxActions === TEXT_SOKOBAN_MAX_MOVES) return verdict.reward.success;
  const answer = gradedAnswer(response);
  return answer !== null && puzzleFamily(item.family).check(item, answer);
}

/**
 * The reward of a response to a puzzle item. Text Sokoban items get `sokobanReward` (with the
 * item's optimal return, so `score` is MageBench's); the others get format + task, the task graded
 * by the item's own family check on the `<answer>` block. `success` is always the family's check.
 */
export function rewardForItem(item: PuzzleItem, response: string, config: DispatchConfig = {}): RewardResult {
  if (item.family === 'sokoban' && typeof item.meta.level === 'string') {
    const optimalReturn = typeof item.meta.optimal_return === 'number' ? item.meta.optimal_return : undefined;
    const verdict = verifySokoban(response, item.meta.level, config.sokoban, optimalReturn);
    const maxActions = config.sokoban?.maxActions ?? DEFAULT_SOKOBAN_REWARD.maxActions;
    return { ...verdict.reward, success: textSokobanSuccess(item, response, verdict, maxActions) };
  }
  const w = { ...DEFAULT_MATH_REWARD, ...config.math };
  const answer = gradedAnswer(response);
  const correct = answer !== null && puzzleFamily(item.family).check(item, answer);
  return rewardResult({ format: formatReward(response, w.format).format, task: correct ? w.accuracy : 0, success: correct });
}

/**
 * The reward of a response for a parsed label (see `rewardForLabel`). Throws `RewardLabelError`
 * for a label that cannot be graded (an empty gold among them), `EnvError` for a game level the
 * env refuses.
 */
export function rewardForParsedLabel(response: string, label: RewardLabel, config: DispatchConfig = {}): RewardResult {
  if (label.kind === 'invalid') throw new RewardLabelError(label.problem);
  if (label.kind === 'answer') {
    const problem = goldProblem(label.gold);
    if (problem !== null) throw new RewardLabelError(problem);
    return mathReward(response, label.gold, config.math);
  }
  if (label.kind === 'puzzle') return rewardForItem(cachedPuzzleItem(label), response, config);
  const seed = label.seed ?? 0;
  if (label.env_id.toLowerCase().startsWith('sokoban')) {
    const level = config.resolveLevel ? config.resolveLevel(label) : cachedEnvLevel(label.env_id, seed, label.options);
    return sokobanReward(response, level, config.sokoban);
  }
  return gameEpisodeReward(response, label.env_id, seed, label.options);
}

/**
 * The reward of a response for an OpenRLHF label: a gold answer, a puzzle item or a game level
 * (labels.ts). Game episodes included, every label gives one `RewardResult`.
 */
export function rewardForLabel(response: string, label: string | JsonObject, config: DispatchConfig = {}): RewardResult {
  return rewardForParsedLabel(response, parseRewardLabel(label), config);
}
