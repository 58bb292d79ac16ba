/**
 * Answer accuracy: 1 when the answer equals the gold one, else 0. The answer is the last
 * `<answer>` block of the response (none: 0), narrowed to the last `\boxed{}` in it when there is
 * one; comparison by value for numbers, fractions and simple expressions, by normalised text
 * otherwise (see `answersEquivalent`). Gold answers may carry LMM-R1's `$...$`.
 */
import { answersEquivalent } from '../../envs/puzzles/math/equivalence.js';
import { extractLastBoxed } from '../../envs/puzzles/math/latex.js';
import { lastTagBlock } from '../../envs/puzzles/tags.js';
import { DEFAULT_MATH_REWARD } from './config.js';
import { rewardResult, type RewardResult } from './types.js';

/** The answer text a reward grades: last `<answer>` block, last `\boxed{}` in it; null if none. */
export function gradedAnswer(response: string): string | null {
  const block = lastTagBlock(response, 'answer');
  if (block === null) return null;
  return (extractLastBoxed(block) ?? block).trim();
}

export function accuracyReward(response: string, gold: string, weight = DEFAULT_MATH_REWARD.accuracy): RewardResult {
  const answer = gradedAnswer(response);
  return rewardResult(0, answer !== null && answersEquivalent(answer, gold) ? weight : 0);
}
