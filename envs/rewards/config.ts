/**
 * Reward weights, LMM-R1's values by default. Every reward takes a partial override, so an ablation
 * changes one number without restating the rest.
 */

/**
 * Where the graded answer is looked for. `answer-block` (ours): the last `<answer>` block, its last
 * `\boxed{}` if it has one, so a box drafted inside `<think>` never overrides the answer, and an
 * answer without LaTeX delimiters still grades. `whole-response` (LMM-R1's, through math-verify):
 * the rightmost `\boxed{}` anywhere in the response, else its last `$...$` formula, else nothing.
 */
export type AnswerSearch = 'answer-block' | 'whole-response';

export interface MathRewardConfig {
  /** Paid when the whole response is `<think>...</think><answer>...</answer>`. */
  format: number;
  /** Paid when the answer equals the gold one. */
  accuracy: number;
  /** Where the answer is found (`answer-block` by default; `whole-response` as LMM-R1 does). */
  answerSearch: AnswerSearch;
}

export const DEFAULT_MATH_REWARD: Readonly<MathRewardConfig> = Object.freeze({ format: 0.5, accuracy: 1, answerSearch: 'answer-block' });

export interface SokobanRewardConfig {
  /** Paid for a well-formed response whose answer is a list of directions. */
  format: number;
  /** Moves of the answer that are played (LMM-R1's global protocol: 50). */
  maxActions: number;
  /** Action-count bonus: `perAction * n` below `knee` actions... */
  perAction: number;
  knee: number;
  /** ...then `1 - falloff * ((n - knee) / falloffSpan)^2`. */
  falloff: number;
  falloffSpan: number;
  /** A run of 1..`repeatMaxWords` words repeated more than `repeatLimit` times in a row... */
  repeatMaxWords: number;
  repeatLimit: number;
  /** ...turns the action bonus into `min(0, bonus - repeatPenalty)`. */
  repeatPenalty: number;
  /** Thinking bonus per word (longer than one character) inside `<think>`, up to `thinkingCap`. */
  thinkingPerWord: number;
  thinkingCap: number;
}

export const DEFAULT_SOKOBAN_REWARD: Readonly<SokobanRewardConfig> = Object.freeze({
  format: 0.5,
  maxActions: 50,
  perAction: 0.05,
  knee: 20,
  falloff: 0.2,
  falloffSpan: 30,
  repeatMaxWords: 5,
  repeatLimit: 7,
  repeatPenalty: 0.2,
  thinkingPerWord: 0.001,
  thinkingCap: 0.2,
});
