/** LMM-R1's math reward: format (0.5) + accuracy (1), at most 1.5. */
import { accuracyReward } from './accuracy.js';
import { DEFAULT_MATH_REWARD, type MathRewardConfig } from './config.js';
import { formatReward } from './format.js';
import { rewardResult, type RewardResult } from './types.js';

export function mathReward(response: string, gold: string, config: Partial<MathRewardConfig> = {}): RewardResult {
  const w = { ...DEFAULT_MATH_REWARD, ...config };
  return rewardResult(formatReward(response, w.format).format, accuracyReward(response, gold, w.accuracy, w.answerSearch).task);
}
