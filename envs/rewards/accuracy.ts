/**
 * Answer accuracy: 1 when the answer equals the gold one (a success), else 0. By default the
 * answer is the last `<answer>` block of the response (none: 0), narrowed to the last `\boxed{}` in
 * it when there is one; `answerSearch: 'whole-response'` looks for it as LMM-R1 does (see `AnswerSearch`).
 * Equality is `answersMatch` (grading/grade.ts): numbers, fractions, units, symbolic forms through
 * a computer-algebra library, sets, intervals, equations, choices. Gold answers are unwrapped as
 * answers are, so LMM-R1's `$\boxed{60}$` labels grade; an unusable gold pays 0, never 1 (LMM-R1
 * pays 1.0 for a gold math-verify cannot parse, which rewards any output).
 */
import { extractLastBoxed } from '../puzzles/math/latex.js';
import { lastTagBlock } from '../puzzles/tags.js';
import { DEFAULT_MATH_REWARD, type AnswerSearch } from './config.js';
import { answersMatch } from './grading/grade.js';
import { lastBox, lastMathSegment } from './grading/text.js';
import { rewardResult, type RewardResult } from './types.js';

/**
 * The answer text a reward grades, or null if none. `answer-block`: last `<answer>` block, its last
 * box as the grader reads boxes (`lastBox`: braced, or a brace-less `\boxed 5` after the last
 * braced one). `whole-response`: last `\boxed{}` anywhere, else the last math segment.
 */
export function gradedAnswer(response: string, search: AnswerSearch = 'answer-block'): string | null {
  if (search === 'whole-response') {
    // math-verify reads only LaTeX: a bare "42" outside any delimiter is no answer there.
    const found = extractLastBoxed(response) ?? lastMathSegment(response);
    return found === null ? null : found.trim();
  }
  const block = lastTagBlock(response, 'answer');
  if (block === null) return null;
  return (lastBox(block) ?? block).trim();
}

export function accuracyReward(
  response: string,
  gold: string,
  weight = DEFAULT_MATH_REWARD.accuracy,
  search: AnswerSearch = DEFAULT_MATH_REWARD.answerSearch,
): RewardResult {
  const answer = gradedAnswer(response, search);
  const correct = answer !== null && answersMatch(answer, gold);
  return rewardResult({ format: 0, task: correct ? weight : 0, success: correct });
}
