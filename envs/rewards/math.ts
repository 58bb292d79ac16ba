/** LMM-R1's math reward: format (0.5) + accuracy (1), at most 1.5; a success when the answer is correct. */
import { accuracyReward } from './accuracy.js';
import { DEFAULT_MATH_REWARD, type MathRewardConfig } from './config.js';
import { formatReward } from './format.js';
import { rewardResult, type RewardResult } from './types.js';

export function mathReward(response: string, gold: string, config: Partial<MathRewardConfig> = {}): RewardResult {
  const w = { ...DEFAULT_MATH_REWARD, ...config };
  const accuracy = accuracyReward(response, gold, w.accuracy, w.answerSearch);
  return rewardResult({ format: formatReward(response, w.format).format, task: accuracy.task, success: accuracy.success });
}
