/**
 * Reward weights, LMM-R1's values by default. Every reward takes a partial override, so an ablation
 * changes one number without restating the rest.
 */

export interface MathRewardConfig {
  /** Paid when the whole response is `<think>...</think><answer>...</answer>`. */
  format: number;
  /** Paid when the answer equals the gold one. */
  accuracy: number;
}

export const DEFAULT_MATH_REWARD: Readonly<MathRewardConfig> = Object.freeze({ format: 0.5, accuracy: 1 });

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
