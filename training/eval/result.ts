// What an evaluation of one task gives, whatever its kind: the numbers, the per-item outcomes a
// paired before/after needs, and a few examples to read.
import type { Interval } from './stats.js';

export interface TaskResult {
  task: string;
  items: number;
  /** Greedy pass@1: the share of items solved by the greedy answer. */
  success: Interval;
  /** Per item (or episode), 1 where the greedy answer succeeded: what a paired before/after needs. */
  outcomes: number[];
  /** Mean task score of the greedy answers, where the task has one (MageBench's Sokoban score). */
  score: Interval | null;
  /** Per item, the greedy answer's score (empty where the task has none). */
  scores: number[];
  reward: number;
  /** pass@k over `samples` answers at temperature 1 (unbiased estimator), when k > 0. */
  passAtK: { k: number; samples: number; value: Interval } | null;
  /**
   * Per item, its pass@k estimate (the items `passAtK.value` averages), so that pass@k gets paired and
   * seed-level CIs as pass@1 does. Empty or absent where pass@k is null (episodes are played greedily
   * only), and absent from results stored before it was kept: those have pass@k without its items.
   */
  passAtKItems?: number[];
  /** Share of greedy answers in the strict <think>...</think><answer>...</answer> format. */
  formatOk: number;
  examples: { prompt: string; answer: string; success: boolean }[];
}
